// This file measures how much real traffic the mesh answers on this
// machine; it reports speed and asserts none.

package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/realtraffic"
)

// BenchmarkRealTraffic pushes the steady load of good-release (istio, a
// 50% canary at most) well past what a 2-core machine serves, with the
// engine, the scrapes and the hey load test all running, and reports the
// requests per second the mesh answered (req/s) and the share of due
// requests skipped because too many were waiting (skipped/sent). It
// reports speed, it asserts none: run it with -benchtime=1x.
func BenchmarkRealTraffic(b *testing.B) {
	for _, wallRate := range []float64{1000, 4000, 16000} {
		b.Run(fmt.Sprintf("asked=%g/s", wallRate), func(b *testing.B) {
			scs, err := scenarios.Load("../scenarios/library/good-release.yaml")
			if err != nil {
				b.Fatal(err)
			}
			sc := scs[0]
			const scale = 0.05
			sc.Traffic.RPS = wallRate * scale
			for b.Loop() {
				start := time.Now()
				r := runReal(sc, realtraffic.Config{TimeScale: scale, MaxRate: wallRate})
				took := time.Since(start)
				if r.Error != "" {
					b.Fatal(r.Error)
				}
				var sent, errs, none, skipped int64
				for _, n := range r.Notes {
					if strings.HasPrefix(n, "steady load:") {
						_, _ = fmt.Sscanf(n, "steady load: %d requests sent through the mesh, %d answered 5xx, %d unanswered, %d skipped",
							&sent, &errs, &none, &skipped)
					}
				}
				b.ReportMetric(float64(sent-none)/took.Seconds(), "req/s")
				b.ReportMetric(float64(skipped)/float64(max(sent+skipped, 1)), "skipped/due")
				b.ReportMetric(0, "ns/op")
			}
		})
	}
}
