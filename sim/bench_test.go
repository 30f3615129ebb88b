package sim

import (
	"context"
	"testing"

	"github.com/rehearse-dev/rehearse/scenarios"
)

// BenchmarkLibrary replays the whole scenario library, as `make demo` does,
// and reports scenarios and analysis ticks per second.
func BenchmarkLibrary(b *testing.B) {
	scs, err := scenarios.Load("../scenarios/library")
	if err != nil {
		b.Fatal(err)
	}
	ticks := 0
	for b.Loop() {
		runs, _ := RunAll(context.Background(), scs, Options{})
		for _, r := range runs {
			ticks += len(r.Ticks)
		}
	}
	b.ReportMetric(float64(len(scs)*b.N)/b.Elapsed().Seconds(), "scenarios/s")
	b.ReportMetric(float64(ticks)/b.Elapsed().Seconds(), "ticks/s")
}

// BenchmarkScenario replays one world-mode scenario on one core.
func BenchmarkScenario(b *testing.B) {
	sc, err := scenarios.LoadFile("../scenarios/library/good-release.yaml")
	if err != nil {
		b.Fatal(err)
	}
	ticks := 0
	for b.Loop() {
		ticks += len(Run(context.Background(), sc, Options{}).Ticks)
	}
	b.ReportMetric(float64(ticks)/b.Elapsed().Seconds(), "ticks/s")
}
