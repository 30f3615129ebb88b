// Tests of Reads: which series a set of queries can select.

package prom

import (
	"testing"

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
