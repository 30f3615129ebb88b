// This file benchmarks one scrape of a rehearsal: both versions' /metrics
// read over loopback, parsed, appended to the embedded Prometheus.

package scrape

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/workload"
	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// BenchmarkScrape is the cost of one scrape of a rehearsal: both versions'
// /metrics (Istio's series, about 90 each) read over loopback HTTP, parsed,
// appended to the embedded Prometheus and committed.
func BenchmarkScrape(b *testing.B) {
	cd := &v1beta1.Canary{}
	cd.Name, cd.Namespace = "podinfo", "test"
	cd.Spec.TargetRef = v1beta1.LocalObjectReference{Kind: "Deployment", Name: "podinfo"}
	var targets []Target
	for _, role := range []traffic.Role{traffic.Primary, traffic.Canary} {
		g, err := traffic.NewGenerator("istio", metrics.NewModel(cd, "1m", nil), role, "Deployment")
		if err != nil {
			b.Fatal(err)
		}
		w, err := workload.New(workload.Config{Name: role.String(), Series: g.Series(),
			Behaviour: func() workload.Behaviour { return workload.Behaviour{Serving: true, SuccessRate: 90} }})
		if err != nil {
			b.Fatal(err)
		}
		for range 200 { // observations spread over the buckets
			w.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
		}
		srv := httptest.NewServer(w.Handler())
		defer srv.Close()
		targets = append(targets, Target{Job: "w", Instance: role.String(), URL: srv.URL + "/metrics"})
	}
	db, err := prom.New(prom.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := &Scraper{Targets: targets}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		at = at.Add(15 * time.Second)
		if err := s.Scrape(context.Background(), db, at); err != nil {
			b.Fatal(err)
		}
	}
}
