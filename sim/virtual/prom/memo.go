// This file holds the one bounded, process-wide memo of answers keyed by a
// query's text, which the instant-query check and the feeder's inspection
// of queries share.

package prom

import "sync"

// maxMemoTexts bounds each memo: a process that sees more query texts than
// this (a long-lived controller with ever-new queries) computes the rest
// every time instead of growing without end.
const maxMemoTexts = 4096

// textMemo remembers fn's answer for each query text, for every goroutine.
// Its answers depend on the text alone and are only read once stored.
type textMemo[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

// get returns fn(q), computed once per text while the memo has room.
func (c *textMemo[V]) get(q string, fn func(string) V) V {
	c.mu.Lock()
	v, ok := c.m[q]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = fn(q)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]V{}
	}
	if len(c.m) < maxMemoTexts {
		c.m[q] = v
	}
	return v
}
