// Tests of Reads: which series a set of queries can select.

package prom

import (
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

func TestReads(t *testing.T) {
	canary := labels.FromStrings("__name__", "req_total", "workload", "podinfo", "code", "200")
	primary := labels.FromStrings("__name__", "req_total", "workload", "podinfo-primary", "code", "200")
	bucket := labels.FromStrings("__name__", "dur_bucket", "workload", "podinfo", "le", "0.1")
	tests := []struct {
		name    string
		queries []string
		read    []labels.Labels
		unread  []labels.Labels
		ok      bool
	}{
		{"one workload", []string{`sum(rate(req_total{workload="podinfo"}[1m]))`},
			[]labels.Labels{canary}, []labels.Labels{primary, bucket}, true},
		{"a regexp and a histogram", []string{`sum(rate(req_total{workload=~"podinfo.*",code!~"5.."}[1m]))`,
			`histogram_quantile(0.99, sum(rate(dur_bucket{workload="podinfo"}[1m])) by (le))`},
			[]labels.Labels{canary, primary, bucket}, nil, true},
		{"a name matcher", []string{`count({__name__=~"dur_.*"})`}, []labels.Labels{bucket}, []labels.Labels{canary, primary}, true},
		{"no query reads nothing", nil, nil, []labels.Labels{canary, primary, bucket}, true},
		{"a query that does not parse", []string{`up`, `sum(rate(req_total[1m]`}, nil, nil, false},
	}
	for _, tt := range tests {
		read, ok := Reads(tt.queries)
		if ok != tt.ok {
			t.Errorf("%s: ok %v, want %v", tt.name, ok, tt.ok)
			continue
		}
		for _, l := range tt.read {
			if !read(l) {
				t.Errorf("%s: %s is not read", tt.name, l)
			}
		}
		for _, l := range tt.unread {
			if read(l) {
				t.Errorf("%s: %s is read", tt.name, l)
			}
		}
	}
}

func TestReaches(t *testing.T) {
	canary := labels.FromStrings("__name__", "req_total", "workload", "podinfo", "code", "200")
	bucket := labels.FromStrings("__name__", "dur_bucket", "workload", "podinfo", "le", "0.1")
	gauge := labels.FromStrings("__name__", "p99", "workload", "podinfo")
	queries := []string{
		`sum(rate(req_total{workload="podinfo"}[1m]))`,
		`histogram_quantile(0.99, sum(rate(dur_bucket{workload="podinfo"}[30s])) by (le))`,
		`sum(rate(req_total{code="200"}[2m] offset 1m))`,
		`max(p99{workload="podinfo"})`,
	}
	reach, ok := Reaches(queries)
	if !ok {
		t.Fatal("Reaches: not ok")
	}
	for _, tt := range []struct {
		series labels.Labels
		want   time.Duration
	}{
		{canary, 3 * time.Minute}, // the longest of the queries reading it
		{bucket, 30 * time.Second},
		{gauge, DefaultLookbackDelta},
		{labels.FromStrings("__name__", "other"), 0},
	} {
		if got := reach(tt.series); got != tt.want {
			t.Errorf("reach of %s = %s, want %s", tt.series, got, tt.want)
		}
	}
	for _, q := range []string{`sum(rate(req_total[1m]`, `req_total @ 100`} {
		if _, ok := Reaches([]string{queries[0], q}); ok {
			t.Errorf("Reaches with %q: ok, want no bound", q)
		}
	}
}
