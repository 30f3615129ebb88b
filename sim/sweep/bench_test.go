// This file measures a sweep of the shape (4 thresholds × 3
// success-rate minimums over two library scenarios).

package sweep

import (
	"context"
	"testing"

	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"

	"github.com/rehearse-dev/rehearse/internal/notrace"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// BenchmarkSweep is the sweep shape (4 thresholds × 3 success-rate
// minimums over a bad and a good release) with 10 seeds; it reports
// rehearsals per second. The full 200-seed sweep is 20 times this.
func BenchmarkSweep(b *testing.B) {
	notrace.Install() // as the rehearse command runs: Prometheus's spans cost allocations otherwise
	scs, err := scenarios.Load("../../scenarios/library/bad-release.yaml", "../../scenarios/library/good-release.yaml")
	if err != nil {
		b.Fatal(err)
	}
	axes := []sweepreport.Axis{{Path: "analysis.threshold", Values: []string{"1", "2", "3", "5"}},
		{Path: "metrics[request-success-rate].thresholdRange.min", Values: []string{"98", "99", "99.5"}}}
	runs := 0
	for b.Loop() {
		res, err := Run(context.Background(), scs, Options{Axes: axes, Seeds: 10, Noise: &scenarios.Noise{SuccessRate: 0.5}})
		if err != nil {
			b.Fatal(err)
		}
		runs += len(res.Samples)
	}
	b.ReportMetric(float64(runs)/b.Elapsed().Seconds(), "rehearsals/s")
}
