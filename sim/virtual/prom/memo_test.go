// This file tests the bounded memo of answers by query text.

package prom

import (
	"fmt"
	"testing"
)

func TestTextMemoComputesOnceWhileItHasRoom(t *testing.T) {
	var memo textMemo[int]
	calls := map[string]int{}
	count := func(q string) int { calls[q]++; return len(q) }
	for range 3 {
		if got := memo.get("up", count); got != 2 {
			t.Fatalf("get(up) = %d, want 2", got)
		}
	}
	if calls["up"] != 1 {
		t.Fatalf("a stored text was computed %d times, want once", calls["up"])
	}
	for i := range maxMemoTexts {
		memo.get(fmt.Sprint("q", i), count)
	}
	if len(memo.m) != maxMemoTexts {
		t.Fatalf("the memo holds %d texts, want at most %d", len(memo.m), maxMemoTexts)
	}
	last := fmt.Sprint("q", maxMemoTexts-1) // the first text past the bound
	memo.get(last, count)
	if calls[last] != 2 {
		t.Fatalf("a text past the bound was computed %d times, want every time (2)", calls[last])
	}
}
