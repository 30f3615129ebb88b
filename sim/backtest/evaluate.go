// This file draws a backtest's charts: each of the Canary's queries over
// the whole window, on the same PromQL engine and mapped samples the
// engine queried, paired with the engine's own checks.

package backtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	backtestreport "github.com/rehearse-dev/rehearse/reports/backtest"

	"github.com/prometheus/prometheus/promql"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/sim/backtest/recording"
	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
)

// maxPoints bounds a chart's points: a day at a 5s scrape interval is
// drawn every 45s.
const maxPoints = 2000

// evaluate runs each of the Canary's queries over the whole window, with
// the same PromQL engine over the same mapped samples the engine queried,
// at every scrape (or coarser, for long windows), and pairs it with the
// engine's own checks.
func evaluate(ctx context.Context, p *recording.Prepared, r *reports.Run, release time.Time) (out []backtestreport.Metric, err error) {
	srv, err := prom.New(prom.Options{})
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, srv.Close()) }()
	if err := p.Mapped.AppendTo(srv, 0); err != nil {
		return nil, err
	}
	if err := srv.Commit(); err != nil {
		return nil, err
	}
	step := chartStep(p)
	for _, q := range p.Queries {
		m, err := series(ctx, srv, q, p.Window, step)
		if err != nil {
			return nil, err
		}
		m.Checks = checksOf(r, q, release)
		out = append(out, m)
	}
	return out, nil
}

func chartStep(p *recording.Prepared) time.Duration {
	span := p.Window.To.Sub(p.Window.From)
	return max(p.Recording.Resolution(), span/maxPoints, time.Second).Round(time.Second)
}

// series is one query's value at every step; several series in an answer
// resolve as Flagger does (the last wins), NaN is no value.
func series(ctx context.Context, srv *prom.Server, q recording.Query, w recording.Window, step time.Duration) (backtestreport.Metric, error) {
	out := backtestreport.Metric{Name: q.Metric, Query: q.PromQL, Min: q.Min, Max: q.Max, Step: step.Seconds(), Points: []backtestreport.Point{}}
	m, err := srv.QueryRange(ctx, q.PromQL, w.From, w.To, step)
	if err != nil {
		return out, fmt.Errorf("metric %q over the recording: %w", q.Metric, err)
	}
	last := lastValues(m)
	for t := w.From; !t.After(w.To); t = t.Add(step) {
		pt := backtestreport.Point{T: unix(t)}
		if v, ok := last[t.UnixMilli()]; ok && !math.IsNaN(v) {
			v = q.Value(v)
			pt.V = &v
		}
		out.Points = append(out.Points, pt)
	}
	return out, nil
}

func lastValues(m promql.Matrix) map[int64]float64 {
	out := map[int64]float64{}
	for _, s := range m {
		for _, f := range s.Floats {
			out[f.T] = f.F
		}
	}
	return out
}

// checksOf are the engine's checks of q, at the recording's times.
func checksOf(r *reports.Run, q recording.Query, release time.Time) []backtestreport.Check {
	out := []backtestreport.Check{}
	for _, tk := range r.Ticks {
		for _, m := range tk.Metrics {
			if m.Name == q.Metric && (m.Query == "" || m.Query == q.PromQL) {
				at := release.Add(time.Duration(tk.T * float64(time.Second)))
				out = append(out, backtestreport.Check{Tick: tk.Tick, T: unix(at), V: m.Value, Passed: m.Passed})
			}
		}
	}
	return out
}
