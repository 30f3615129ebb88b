// This file is how a real-traffic run ends and speaks: what hey measured
// per tick, how the run kept time, one progress line per tick, and what
// real traffic refuses to rehearse.

package realtraffic

import (
	"fmt"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// Finish stops the loads, writes what hey measured into each tick, and
// notes how the run kept time.
func (rt *Traffic) Finish(r *reports.Run) {
	res := rt.loads.stop()
	c := rt.clockValue()
	rt.loads.perTick(r.Ticks, res, c.wall(rt.w.Release))
	r.Notes = append(r.Notes, rt.timeNote(r, c))
	if rt.lag > time.Duration(float64(rt.w.Interval)*rt.cfg.TimeScale/10) {
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
func (rt *Traffic) timeNote(r *reports.Run, c wallClock) string {
	where := "the embedded Prometheus scraping the workloads"
	if rt.external != "" {
		where = "a real Prometheus server"
	}
	if len(r.Ticks) == 0 || !rt.started {
		return fmt.Sprintf("real traffic, time scale %g, metrics from %s: no tick ran", rt.cfg.TimeScale, where)
	}
	span := time.Duration(r.Ticks[len(r.Ticks)-1].T * float64(time.Second))
	took := rt.loads.lastMark().Sub(c.wall(rt.w.Release))
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
func (rt *Traffic) progress() {
	r := rt.w.Report
	if rt.cfg.Progress == nil || r == nil || len(r.Ticks) == 0 {
		return
	}
	t := r.Ticks[len(r.Ticks)-1]
	var b strings.Builder
	wall := time.Since(rt.clockValue().wall(rt.w.Release)).Round(100 * time.Millisecond)
	fmt.Fprintf(&b, "%s tick %d: %s virtual in %s wall, %s %d/%d, failed checks %d", r.Scenario, t.Tick,
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

// Check refuses what real traffic cannot rehearse: a Knative Service's
// revisions (the real workloads are one primary and one canary, while the
// knative provider queries each revision by name).
func Check(scs []*scenarios.Scenario) error {
	for _, sc := range scs {
		if sc.Canary != nil && sc.Canary.Spec.TargetRef.IsKnativeService() {
			return fmt.Errorf("%s: --traffic real runs one primary and one canary workload, not a Knative Service's revisions: "+
				"rehearse this Canary with the default virtual traffic", sc.File)
		}
	}
	return nil
}
