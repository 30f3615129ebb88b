// This file measures a rehearsal of the whole library.

package sim

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/internal/notrace"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// BenchmarkLibrary replays the whole scenario library, as `make demo` does,
// and reports scenarios and analysis ticks per second.
func BenchmarkLibrary(b *testing.B) {
	notrace.Install() // as the rehearse command runs: Prometheus's spans cost allocations otherwise
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
	notrace.Install()
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

// BenchmarkLongRun holds a Canary at its promotion gate with the checks
// running, for 6 and for 48 hours of virtual time, and reports the CPU of
// a tick: the same for both when cost grows linearly with the run.
func BenchmarkLongRun(b *testing.B) {
	notrace.Install()
	for _, hours := range []int{6, 48} {
		b.Run(fmt.Sprintf("%dh", hours), func(b *testing.B) {
			sc, err := scenarios.LoadFile("../scenarios/library/confirm-promotion-late.yaml")
			if err != nil {
				b.Fatal(err)
			}
			sc.Webhooks["promotion-gate"].Gate = &scenarios.Gate{} // closed, never opens
			sc.Limits.MaxDuration = time.Hour
			Run(context.Background(), sc, Options{}) // warm: lazily built tables
			sc.Limits.MaxDuration = time.Duration(hours) * time.Hour
			ticks := 0
			for b.Loop() {
				ticks += len(Run(context.Background(), sc, Options{}).Ticks)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(ticks), "ms/tick")
		})
	}
}
