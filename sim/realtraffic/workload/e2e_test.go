// This file runs the whole chain for every provider: requests answered by
// both versions, scraped, appended to the embedded Prometheus, and read
// back exactly by Flagger's builtin queries.

package workload

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"

	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/scrape"
	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// TestBuiltinQueriesReadRealRequests is the chain end to end, for every
// provider: requests answered by the two versions, scraped over HTTP in the
// text format, appended to the embedded Prometheus; Flagger's builtin
// success-rate query then returns exactly the canary's share of non-5xx
// answers, and its duration query a value.
func TestBuiltinQueriesReadRealRequests(t *testing.T) {
	for _, p := range allProviders {
		t.Run(p, func(t *testing.T) {
			db, err := prom.New(prom.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			canary := startRole(t, p, traffic.Canary, Behaviour{Serving: true, SuccessRate: 70})
			primary := startRole(t, p, traffic.Primary, Behaviour{Serving: true, SuccessRate: 100})
			sc := &scrape.Scraper{Targets: []scrape.Target{
				{Job: "w", Instance: "canary", URL: canary.URL() + "/metrics"},
				{Job: "w", Instance: "primary", URL: primary.URL() + "/metrics"}}}
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			mustScrape(t, sc, db, t0)
			hit(t, canary.URL()+"/", 60)
			hit(t, primary.URL()+"/", 25)
			mustScrape(t, sc, db, t0.Add(30*time.Second))
			served := canary.Served()
			want := float64(served.Requests-served.Errors) / float64(served.Requests) * 100
			if got := query(t, db, p, metrics.MetricSuccessRate, t0.Add(30*time.Second)); math.Abs(got-want) > 1e-9 {
				t.Errorf("success rate %v, want %v (%d of %d answered 5xx)", got, want, served.Errors, served.Requests)
			}
			if got := query(t, db, p, metrics.MetricDuration, t0.Add(30*time.Second)); math.IsNaN(got) || got < 0 {
				t.Errorf("duration %v, want a latency", got)
			}
		})
	}
}

func startRole(t *testing.T, provider string, role traffic.Role, b Behaviour) *Server {
	t.Helper()
	s, err := Start(Config{Name: role.String(), Series: series(t, provider, role), Seed: uint64(role),
		Behaviour: func() Behaviour { return b }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func hit(t *testing.T, url string, n int) {
	t.Helper()
	for range n {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
}

func mustScrape(t *testing.T, sc *scrape.Scraper, db *prom.Server, at time.Time) {
	t.Helper()
	if err := sc.Scrape(context.Background(), db, at); err != nil {
		t.Fatal(err)
	}
}

func query(t *testing.T, db *prom.Server, provider, metric string, at time.Time) float64 {
	t.Helper()
	q, err := metrics.BuiltinQuery(provider, metric, metrics.NewModel(testCanary(), "1m", nil))
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.Query(context.Background(), q, at)
	if err != nil {
		t.Fatal(err)
	}
	vec, ok := v.(promql.Vector)
	if !ok || len(vec) != 1 {
		t.Fatalf("%s = %v, want one value", q, v)
	}
	return vec[0].F
}
