package sim

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend"
)

// RunReal rehearses one scenario with real traffic on the embedded memory
// cluster.
func RunReal(ctx context.Context, sc *scenarios.Scenario, opts Options, cfg Real) *reports.Run {
	s := &Session{backend: backend.Memory{}}
	return s.RunReal(ctx, sc, opts, cfg)
}

// RunReal rehearses one scenario with real traffic, in wall-clock time. A
// scripted scenario has no traffic to make real: it runs as Run would, and
// the report says so.
func (s *Session) RunReal(ctx context.Context, sc *scenarios.Scenario, opts Options, cfg Real) *reports.Run {
	return s.runWith(ctx, sc, opts, func(w *world, r *reports.Run) error {
		if sc.Scripted() {
			r.Notes = append(r.Notes, "scripted scenario: the script answers every check, so it ran without real traffic")
			return w.rehearse(ctx, r, seed(sc, opts))
		}
		if sc.Recording != nil {
			r.Notes = append(r.Notes, "recording scenario: the recording answers every check, so it ran without real traffic")
			return w.rehearse(ctx, r, seed(sc, opts))
		}
		return w.rehearseReal(ctx, r, cfg, seed(sc, opts))
	})
}

// RunAllReal rehearses scenarios with real traffic one after another, so
// that they do not slow each other's answers down.
func (s *Session) RunAllReal(ctx context.Context, scs []*scenarios.Scenario, opts Options, cfg Real) []*reports.Run {
	runs := make([]*reports.Run, 0, len(scs))
	for _, sc := range scs {
		runs = append(runs, s.RunReal(ctx, sc, opts, cfg))
	}
	return runs
}

// runWith is Session.Run's frame (report, recovery, world, verdict) around
// a way of rehearsing.
func (s *Session) runWith(ctx context.Context, sc *scenarios.Scenario, opts Options, rehearse func(*world, *reports.Run) error) (out *reports.Run) {
	began := time.Now()
	r := newReport(sc, opts)
	r.Cluster = s.backend.Name()
	// Wall is for JUnit only (json:"-"): the rehearsal's cost, not the rollout's.
	defer func() { r.Wall = time.Since(began) }()
	if r.Skipped = skipReason(sc); r.Skipped != "" {
		finish(sc, r)
		r.Decision = "not rehearsed"
		return r
	}
	defer func() {
		if p := recover(); p != nil {
			r.Error = fmt.Sprintf("internal error (please report it): %v", p)
		}
		finish(sc, r)
		if ctx.Err() != nil {
			markInterrupted(r)
		}
		out = r
	}()
	w, err := build(ctx, sc, opts, s.backend, s.pool)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer w.close()
	if err := rehearse(w, r); err != nil {
		r.Error = err.Error()
	}
	r.Notes = append(w.notes, r.Notes...)
	return r
}

// rehearseReal is rehearse with the real-traffic model.
func (w *world) rehearseReal(ctx context.Context, r *reports.Run, cfg Real, seed int64) error {
	rt, err := newRealTraffic(ctx, w, cfg, seed)
	if err != nil {
		return err
	}
	defer rt.Close()
	rt.report, w.traffic = r, rt
	if err := w.initialize(ctx, epoch.Add(-warmUp)); err != nil {
		return err
	}
	if err := w.setImage(ctx, w.sc.Release.To); err != nil {
		return err
	}
	err = w.ticks(ctx, r)
	rt.finish(r)
	r.Exposure = rt.Exposure()
	r.Notes = append(r.Notes, faultNotes(w.chaos.taken())...)
	return err
}

// finish stops the loads, writes what hey measured into each tick, and
// notes how the run kept time.
func (rt *realTraffic) finish(r *reports.Run) {
	res := rt.loads.stop()
	c := rt.clockValue()
	rt.loads.perTick(r.Ticks, res, c.wall(rt.w.release))
	r.Notes = append(r.Notes, rt.timeNote(r, c))
	if rt.lag > time.Duration(float64(rt.w.interval)*rt.cfg.TimeScale/10) {
		r.Notes = append(r.Notes, fmt.Sprintf("the harness fell behind the clock by up to %s: the machine is too busy for time scale %g",
			rt.lag.Round(time.Millisecond), rt.cfg.TimeScale))
	}
	if rt.steady != nil {
		t := rt.steady.Stop()
		r.Notes = append(r.Notes, fmt.Sprintf("steady load: %d requests sent through the mesh, %d answered 5xx, %d unanswered, %d skipped (too many waiting)",
			t.Sent, t.ServerErrors, t.NoAnswer, t.Skipped))
	}
	if rt.scrapes != nil {
		r.Notes = append(r.Notes, rt.scrapes.Failures()...)
	}
	r.Notes = append(r.Notes, rt.loads.notes...)
}

// timeNote says how long the analysis took: "real traffic, time scale
// 0.05: 9m0s of analysis took 27s".
func (rt *realTraffic) timeNote(r *reports.Run, c wallClock) string {
	where := "the embedded Prometheus scraping the workloads"
	if rt.external != "" {
		where = "a real Prometheus server"
	}
	if len(r.Ticks) == 0 || !rt.started {
		return fmt.Sprintf("real traffic, time scale %g, metrics from %s: no tick ran", rt.cfg.TimeScale, where)
	}
	span := time.Duration(r.Ticks[len(r.Ticks)-1].T * float64(time.Second))
	took := rt.loads.lastMark().Sub(c.wall(rt.w.release))
	return fmt.Sprintf("real traffic, time scale %g: %s of analysis took %s (metrics from %s)",
		rt.cfg.TimeScale, span, took.Round(100*time.Millisecond), where)
}

func (l *loadTests) lastMark() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.marks) == 0 {
		return time.Now()
	}
	return l.marks[len(l.marks)-1]
}

// progress writes the last tick as one line: where the rollout stands and
// what the metrics read.
func (rt *realTraffic) progress() {
	if rt.cfg.Progress == nil || rt.report == nil || len(rt.report.Ticks) == 0 {
		return
	}
	t := rt.report.Ticks[len(rt.report.Ticks)-1]
	var b strings.Builder
	wall := time.Since(rt.clockValue().wall(rt.w.release)).Round(100 * time.Millisecond)
	fmt.Fprintf(&b, "%s tick %d: %s virtual in %s wall, %s %d/%d, failed checks %d", rt.report.Scenario, t.Tick,
		time.Duration(t.T*float64(time.Second)), wall, t.Phase, t.PrimaryWeight, t.CanaryWeight, t.FailedChecks)
	if rt.steady != nil {
		fmt.Fprintf(&b, ", %d requests sent", rt.steady.Totals().Sent)
	}
	for _, m := range t.Metrics {
		fmt.Fprintf(&b, " | %s %s", m.Name, metricText(m))
	}
	fmt.Fprintln(rt.cfg.Progress, b.String())
}

func metricText(m reports.Metric) string {
	switch {
	case m.Value != nil:
		return fmt.Sprintf("%.4g", *m.Value)
	case m.Error != "":
		return "(" + m.Error + ")"
	}
	return "(no value)"
}

// CheckReal refuses what real traffic cannot rehearse: a Knative Service's
// revisions (the real workloads are one primary and one canary, while the
// knative provider queries each revision by name).
func CheckReal(scs []*scenarios.Scenario) error {
	for _, sc := range scs {
		if sc.Canary != nil && sc.Canary.Spec.TargetRef.IsKnativeService() {
			return fmt.Errorf("%s: --traffic real runs one primary and one canary workload, not a Knative Service's revisions: "+
				"rehearse this Canary with the default virtual traffic", sc.File)
		}
	}
	return nil
}
