// This file is the bounded cache behind the Source's Prometheus clients and rendered queries, and
// the key written from a whole query model.

package metrics

import (
	"sort"
	"sync"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// maxCached bounds each cache; a full cache is emptied and refilled, which
// is cheap and keeps a long-lived controller from growing without bound.
const maxCached = 4096

// cache is a bounded, concurrency-safe string-keyed map.
type cache[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

// get looks a key up; a []byte key converted in the index expression does
// not allocate.
func (c *cache[V]) get(key []byte) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[string(key)]
	c.mu.RUnlock()
	return v, ok
}

func (c *cache[V]) put(key []byte, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = make(map[string]V)
	}
	c.m[string(key)] = v
	c.mu.Unlock()
}

// appendModelKey writes every model field, and the variables in key order,
// separated by NUL bytes, which Kubernetes names cannot hold.
func appendModelKey(b []byte, m v1beta1.MetricTemplateModel) []byte {
	for _, s := range [...]string{m.Name, m.Namespace, m.Target, m.Service, m.Ingress, m.Route, m.Interval} {
		b = append(append(b, s...), 0)
	}
	return appendSortedMap(b, m.Variables)
}

func appendSortedMap(b []byte, vars map[string]string) []byte {
	if len(vars) == 0 {
		return b
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b = append(append(append(append(b, k...), 1), vars[k]...), 0)
	}
	return b
}
