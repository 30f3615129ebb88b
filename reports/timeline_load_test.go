// This file checks that the load a run sent shows in its timeline and its
// Markdown report.

package reports

import (
	"bytes"
	"strings"
	"testing"
)

func TestLoadInTimeline(t *testing.T) {
	load := func(req, ok, bad, none int, p50, p99 float64) *LoadStats {
		st := map[string]int{}
		if ok > 0 {
			st["200"] = ok
		}
		if bad > 0 {
			st["503"] = bad
		}
		return &LoadStats{Requests: req, Status: st, Errors: none, P50: p50, P95: p99, P99: p99}
	}
	tests := []struct {
		name  string
		cell  string
		loads []*LoadStats
		want  string
	}{
		{"no load test", "advance", []*LoadStats{nil}, "advance"},
		{"one tick", "advance", []*LoadStats{load(120, 118, 2, 0, 12, 80)},
			"advance<br>hey: 120 req, 2xx 118, 5xx 2, p50 12ms p99 80ms"},
		{"empty reason", "—", []*LoadStats{load(10, 10, 0, 0, 1.5, 3)}, "hey: 10 req, 2xx 10, p50 1.5ms p99 3ms"},
		{"a row of ticks sums and ranges", "hold", []*LoadStats{load(60, 60, 0, 0, 10, 50), nil, load(61, 59, 0, 2, 11, 50)},
			"hold<br>hey: 121 req, 2xx 119, no answer 2, p50 10–11ms p99 50ms"},
		{"nothing answered", "x", []*LoadStats{load(3, 0, 0, 3, 0, 0)}, "x<br>hey: 3 req, no answer 3"},
	}
	for _, tt := range tests {
		ticks := make([]Tick, len(tt.loads))
		for i, l := range tt.loads {
			ticks[i].Load = l
		}
		if got := withLoad(tt.cell, ticks); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestMarkdownShowsLoad(t *testing.T) {
	r := &Run{Scenario: "s", Decision: "undecided", Ticks: []Tick{{Tick: 1, Phase: "Progressing", Reason: "advance",
		Load: &LoadStats{Requests: 2, Status: map[string]int{"200": 1, "500": 1}, P50: 4, P99: 9}}}}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	if want := "advance<br>hey: 2 req, 2xx 1, 5xx 1, p50 4ms p99 9ms"; !strings.Contains(b.String(), want) {
		t.Errorf("the timeline lacks %q:\n%s", want, b.String())
	}
}
