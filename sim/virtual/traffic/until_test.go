// This file tests EmitUntil: the samples it leaves out change no answer.

package traffic

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// counting counts the samples appended through it.
type counting struct {
	Appender
	n *int
}

func (c counting) Append(l labels.Labels, t int64, v float64) error {
	*c.n++
	return c.Appender.Append(l, t, v)
}

// TestEmitUntilChangesNoAnswer feeds two stores the same changing traffic
// in ticks two minutes apart, one with every sample, one through EmitUntil
// with each series' reach, and asks the builtin queries (over 1m and 30s)
// at each tick: the answers are the same, from fewer samples.
func TestEmitUntilChangesNoAnswer(t *testing.T) {
	cd := testCanary()
	m1m, m30s := metrics.NewModel(cd, "1m", nil), metrics.NewModel(cd, "30s", nil)
	const step, gap = 5 * time.Second, 2 * time.Minute
	for _, provider := range []string{"istio", "nginx", "kubernetes", "linkerd"} {
		t.Run(provider, func(t *testing.T) {
			full, pruned := newStore(t), newStore(t)
			all, some := mustGenerator(t, provider, m1m, Canary, "Deployment"), mustGenerator(t, provider, m1m, Canary, "Deployment")
			some.Reach(func(labels.Labels) time.Duration { return time.Minute }) // the longer query's
			queries := []string{builtin(t, provider, metrics.MetricSuccessRate, m1m), builtin(t, provider, metrics.MetricDuration, m30s)}
			var nAll, nSome int
			for until := gap; until <= 5*gap; until += gap {
				for at := until - gap + step; at <= until; at += step {
					iv := changing(at, step)
					emitTo(t, full, func(app Appender) error { return all.Emit(counting{app, &nAll}, at.Milliseconds(), iv) })
					emitTo(t, pruned, func(app Appender) error {
						return some.EmitUntil(counting{app, &nSome}, at.Milliseconds(), until.Milliseconds(), iv)
					})
				}
				for _, q := range queries {
					want, errWant := full.eval(q, until)
					got, errGot := pruned.eval(q, until)
					if errWant != nil || errGot != nil || math.Float64bits(got) != math.Float64bits(want) {
						t.Errorf("at %s, %s = %v (%v), want %v (%v)", until, q, got, errGot, want, errWant)
					}
				}
			}
			if nSome >= nAll {
				t.Errorf("EmitUntil appended %d samples, Emit %d: want fewer", nSome, nAll)
			}
		})
	}
}

// changing is traffic whose errors and latency move every scrape, so a
// sample left out that a query needed would change its answer.
func changing(at, step time.Duration) Interval {
	k := float64(at / step % 7)
	p50 := time.Duration(20+10*k) * time.Millisecond
	return scale(Interval{Requests: 40, Errors: k, Latency: Latency{P50: p50, P99: 8 * p50}}, step)
}

func emitTo(t *testing.T, s *store, emit func(Appender) error) {
	t.Helper()
	app := s.db.Appender(context.Background())
	if err := emit(tsdbAppender{app}); err != nil {
		t.Fatal(err)
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
}
