// Tests of the traffic feed's choices that are pure functions.

package sim

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"

	"github.com/rehearse-dev/rehearse/engine"
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

// TestFeederSplit checks the feeder's share of the apex traffic, built from
// its own inputs alone: no world stands behind it.
func TestFeederSplit(t *testing.T) {
	at := epoch.Add(time.Minute)
	tests := []struct {
		name    string
		f       feeder
		routes  engine.Routes
		running []vload
		primary float64
		canary  float64
	}{
		{"by the weights", feeder{apex: 100, provider: "istio"}, engine.Routes{Primary: 80, Canary: 20}, nil, 80, 20},
		{"mirrored traffic is copied to the canary", feeder{apex: 100, provider: "istio", mirror: 0.5},
			engine.Routes{Primary: 100, Mirrored: true}, nil, 100, 50},
		{"A/B sends the matching share", feeder{apex: 100, provider: "istio", ab: true}, engine.Routes{Primary: 0, Canary: 100}, nil,
			100 * (1 - abShare), 100 * abShare},
		{"kubernetes sends all to the primary", feeder{apex: 100, provider: v1beta1.KubernetesProvider},
			engine.Routes{Primary: 50, Canary: 50}, nil, 100, 0},
		{"a running load test adds to its target", feeder{apex: 100, provider: "istio", every: 15 * time.Second},
			engine.Routes{Primary: 100}, []vload{{from: epoch, until: at.Add(time.Hour), rps: 30, target: "canary"}}, 100, 30},
	}
	for _, tt := range tests {
		l := loads{running: tt.running}
		rps := tt.f.split(tt.routes, &l, at)
		if rps[traffic.Primary] != tt.primary || rps[traffic.Canary] != tt.canary {
			t.Errorf("%s: split = %v, want [%v %v]", tt.name, rps, tt.primary, tt.canary)
		}
	}
}

// TestWarmUpLeftOut: the warm-up's last stretch is written knowing that
// no query comes before the first tick, so the samples of its minute before
// the release, which that tick's one-minute windows cannot reach, are left
// out; the reports stay the same (the library's goldens), for less to write.
func TestWarmUpLeftOut(t *testing.T) {
	w, _ := rehearsed(t, "../scenarios/library/good-release.yaml")
	tests := []struct {
		query   string
		at      time.Time
		written bool
	}{
		{`count_over_time(istio_requests_total[1m])`, w.release, false},
		{`count_over_time(istio_request_duration_milliseconds_bucket[1m])`, w.release, false},
		{`count_over_time(istio_requests_total[1m])`, w.release.Add(w.interval), true},
	}
	for _, tt := range tests {
		v, err := w.metrics.prom.Query(context.Background(), tt.query, tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if written := len(v.(promql.Vector)) > 0; written != tt.written {
			t.Errorf("%s at %s = %v: want written %t", tt.query, tt.at, v, tt.written)
		}
	}
}
