// Tests of the traffic feed's choices that are pure functions.

package sim

import (
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

func TestRetentionFor(t *testing.T) {
	canary := func(intervals ...string) *v1beta1.Canary {
		cd := &v1beta1.Canary{}
		cd.Spec.Analysis = &v1beta1.CanaryAnalysis{}
		for _, iv := range intervals {
			cd.Spec.Analysis.Metrics = append(cd.Spec.Analysis.Metrics, v1beta1.CanaryMetric{Name: "m", Interval: iv})
		}
		return cd
	}
	q := func(promql string) traffic.Query { return traffic.Query{Metric: "m", PromQL: promql} }
	tests := []struct {
		name    string
		cd      *v1beta1.Canary
		queries []traffic.Query
		want    time.Duration
	}{
		{"builtin metrics keep the floor", canary("1m", ""), nil, minRetention},
		{"a long interval doubles its reach", canary("4h"), nil, 2 * (4*time.Hour + 5*time.Minute)},
		{"a query's reach counts", canary("1m"), []traffic.Query{q(`rate(x[2h] offset 2h)`)}, 8 * time.Hour},
		{"a pinned query keeps everything", canary("1m"), []traffic.Query{q(`rate(x[1m] @ 1700000000)`)}, 0},
		{"an interval that does not parse keeps everything", canary("soon"), nil, 0},
	}
	for _, tt := range tests {
		if got := retentionFor(tt.cd, tt.queries); got != tt.want {
			t.Errorf("%s: retentionFor = %s, want %s", tt.name, got, tt.want)
		}
	}
}
