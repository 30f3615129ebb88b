// This file benchmarks a backtest over an hour's generated recording (two
// workloads' Istio series every 5s), and reading that recording, apart.

package backtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backtest/recording"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// hourStart is the first sample of the benchmark's recording.
var hourStart = time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)

// writeHour writes one hour of two workloads' Istio series, every 5s
// (Flagger's bundled Prometheus's scrape interval), as OpenMetrics: the
// release fails 20% of its requests from 45m on.
func writeHour(b *testing.B, path string) int {
	b.Helper()
	var out strings.Builder
	app := &omWriter{b: &out}
	for _, w := range []struct {
		name string
		rps  float64
		bad  bool
	}{{"checkout", 80, false}, {"checkout-v2", 20, true}} {
		g, err := traffic.NewGenerator(v1beta1.IstioProvider, v1beta1.MetricTemplateModel{Namespace: "shop", Target: w.name, Name: w.name, Service: w.name}, traffic.Canary, "Deployment")
		if err != nil {
			b.Fatal(err)
		}
		for t := hourStart; !t.After(hourStart.Add(time.Hour)); t = t.Add(5 * time.Second) {
			iv := traffic.Interval{Requests: w.rps * 5, Latency: traffic.Latency{P50: 10 * time.Millisecond, P99: 50 * time.Millisecond}}
			if w.bad && t.Sub(hourStart) >= 45*time.Minute {
				iv.Errors = iv.Requests / 5
			}
			if err := g.Emit(app, t.UnixMilli(), iv); err != nil {
				b.Fatal(err)
			}
		}
	}
	out.WriteString("# EOF\n")
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return app.n
}

// omWriter writes samples as OpenMetrics lines (timestamps in seconds).
type omWriter struct {
	b *strings.Builder
	n int
}

func (w *omWriter) Append(l labels.Labels, t int64, v float64) error {
	w.n++
	var pairs []string
	l.Range(func(x labels.Label) {
		if x.Name != labels.MetricName {
			pairs = append(pairs, x.Name+"="+strconv.Quote(x.Value))
		}
	})
	fmt.Fprintf(w.b, "%s{%s} %s %s\n", l.Get(labels.MetricName), strings.Join(pairs, ","),
		strconv.FormatFloat(v, 'f', -1, 64), strconv.FormatFloat(float64(t)/1000, 'f', 3, 64))
	return nil
}

func hourScenario(b *testing.B, source string) *scenarios.Scenario {
	b.Helper()
	doc := fmt.Sprintf(`apiVersion: rehearse.dev/v1alpha1
kind: Scenario
metadata: {name: hour}
spec:
  manifests: [%s]
  recording:
    source: %s
    canary: destination_workload_namespace=shop,destination_workload=checkout-v2
    primary: destination_workload_namespace=shop,destination_workload=checkout
`, filepath.Join(mustAbs(b, recordings), "..", "podinfo", "canary.yaml"), source)
	sc, err := scenarios.Parse(filepath.Join(b.TempDir(), "hour.yaml"), []byte(doc))
	if err != nil {
		b.Fatal(err)
	}
	// One step a tick, so the analysis runs until the fault is caught.
	sc = with(&testing.T{}, sc, "analysis.stepWeight", "1")
	return sc
}

func mustAbs(b *testing.B, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkBacktestHour backtests an hour's recording (two workloads'
// Istio series every 5s) with the podinfo Canary stepping 1% a tick, so
// the analysis runs the whole hour until the fault at 45m is caught: the
// rehearsal of every tick plus the Canary's queries over the window for
// the charts. The recording is read once per process (as in a sweep), so
// reading it is measured apart, in BenchmarkReadHour.
func BenchmarkBacktestHour(b *testing.B) {
	path := filepath.Join(b.TempDir(), "hour.om")
	writeHour(b, path)
	sc := hourScenario(b, path)
	for b.Loop() {
		res, err := Run(context.Background(), sc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Verdict.Decision != RolledBack {
			b.Fatalf("verdict: %s", res.Verdict.Text)
		}
	}
}

// BenchmarkReadHour reads the hour's recording from OpenMetrics text.
func BenchmarkReadHour(b *testing.B) {
	path := filepath.Join(b.TempDir(), "hour.om")
	n := writeHour(b, path)
	for b.Loop() {
		if _, err := recording.ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "samples")
}
