// This file words a backtest's verdict in the recording's own time: when
// it would have rolled back and how long after the metric left its bounds,
// when it would have promoted, or where it stood when the window ended.

package backtest

import (
	"fmt"
	"strings"
	"time"

	backtestreport "github.com/rehearse-dev/rehearse/reports/backtest"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/sim/backtest/recording"
)

// verdict words the run's decision in the recording's time.
func verdict(b *backtestreport.Backtest) backtestreport.Verdict {
	r := b.Run
	v := backtestreport.Verdict{Decision: decisionOf(r)}
	if r.DecidedAt != nil && v.Decision != Undecided {
		at := b.Release + *r.DecidedAt
		v.At = &at
	}
	c := clockFor(b)
	switch v.Decision {
	case RolledBack:
		rolledBack(&v, b, c)
	case Promoted:
		promoted(&v, b, c)
	default:
		undecided(&v, b, c)
	}
	return v
}

// clock writes recording times: the time of day when the window lies in
// one UTC day, the date too otherwise; seconds only when they are not 0.
type clock struct{ sameDay bool }

func clockFor(b *backtestreport.Backtest) clock {
	from, to := toTime(b.From), toTime(b.To)
	return clock{sameDay: from.Format(time.DateOnly) == to.Format(time.DateOnly)}
}

func toTime(s float64) time.Time { return time.UnixMilli(int64(s * 1000)).UTC() }

func (c clock) at(s float64) string {
	t := toTime(s)
	layout := "15:04:05"
	if t.Second() == 0 {
		layout = "15:04"
	}
	if !c.sameDay {
		layout = time.DateOnly + " " + layout
	}
	return t.Format(layout)
}

// span writes a duration the short way: 5m15s, 11m, 1h2m.
func span(seconds float64) string {
	d := time.Duration(seconds * float64(time.Second)).Round(time.Second)
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// decisionTick is the index of the tick at which the final phase began.
func decisionTick(r *reports.Run) int {
	i := len(r.Ticks) - 1
	for i > 0 && r.Ticks[i-1].Phase == r.Ticks[i].Phase {
		i--
	}
	return i
}

// rolledBack: when, how long after the deciding metric left its bounds,
// and how much traffic the failing checks held on the release.
func rolledBack(v *backtestreport.Verdict, b *backtestreport.Backtest, c clock) {
	r := b.Run
	i := decisionTick(r)
	if i > 0 {
		v.Weight = r.Ticks[i-1].CanaryWeight
	}
	failed, why := lastFailure(r, i)
	v.Metric = failed.Name
	head := fmt.Sprintf("would have rolled back at %s UTC", c.at(*v.At))
	traffic := fmt.Sprintf("with %d%% of traffic on the release", v.Weight)
	m := metricNamed(b, failed.Name)
	switch {
	case m != nil && failed.Value != nil:
		v.Breach = firstBreach(m, b.Release)
		v.Text = breachText(head, traffic, v, m, c)
	case m != nil:
		v.Text = fmt.Sprintf("%s: %s found no values from %s on (the recording has no samples its query reads there), %s",
			head, failed.Name, c.at(firstNoValue(m, b.Release)), traffic)
	default:
		v.Text = fmt.Sprintf("%s (%s), %s", head, why, traffic)
	}
}

func breachText(head, traffic string, v *backtestreport.Verdict, m *backtestreport.Metric, c clock) string {
	if v.Breach == nil {
		return fmt.Sprintf("%s, %s; %s stayed within its bounds between checks, and only the checks saw it fail", head, traffic, m.Name)
	}
	return fmt.Sprintf("%s, %s after %s first %s (at %s), %s", head, span(*v.At-*v.Breach), m.Name, crossing(m), c.at(*v.Breach), traffic)
}

// crossing says which bound a metric left.
func crossing(m *backtestreport.Metric) string {
	for _, p := range m.Points {
		if p.V == nil {
			continue
		}
		if m.Min != nil && *p.V < *m.Min {
			return "fell below " + num(*m.Min)
		}
		if m.Max != nil && *p.V > *m.Max {
			return "rose above " + num(*m.Max)
		}
	}
	return "left its bounds"
}

func num(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

// lastFailure is the last failed metric check before tick i, or the
// tick's reason when no metric failed (a webhook, the deadline).
func lastFailure(r *reports.Run, i int) (reports.Metric, string) {
	for j := i - 1; j >= 0; j-- {
		for _, m := range r.Ticks[j].Metrics {
			if !m.Passed {
				return m, ""
			}
		}
	}
	if i < len(r.Ticks) {
		return reports.Metric{}, r.Ticks[i].Reason
	}
	return reports.Metric{}, "no failed check recorded"
}

func metricNamed(b *backtestreport.Backtest, name string) *backtestreport.Metric {
	for i := range b.Metrics {
		if b.Metrics[i].Name == name {
			return &b.Metrics[i]
		}
	}
	return nil
}

// firstBreach is the first time from the release on at which the
// metric's recorded value was out of its bounds.
func firstBreach(m *backtestreport.Metric, release float64) *float64 {
	q := recording.Query{Min: m.Min, Max: m.Max, Check: engine.CheckQuery}
	for _, p := range m.Points {
		if p.T >= release && p.V != nil && q.Breaches(*p.V) {
			t := p.T
			return &t
		}
	}
	return nil
}

// firstNoValue is the time of the first check that found no values.
func firstNoValue(m *backtestreport.Metric, release float64) float64 {
	for _, ck := range m.Checks {
		if ck.V == nil && !ck.Passed {
			return ck.T
		}
	}
	return release
}

// promoted: when, and whether the recorded values left their bounds
// between two checks where no check saw it.
func promoted(v *backtestreport.Verdict, b *backtestreport.Backtest, c clock) {
	v.Weight = b.Run.MaxWeight
	v.Text = fmt.Sprintf("would have promoted at %s UTC: every check passed with up to %d%% of traffic on the release", c.at(*v.At), v.Weight)
	for i := range b.Metrics {
		m := &b.Metrics[i]
		if t := firstBreach(m, b.Release); t != nil && *t <= *v.At {
			v.Text += fmt.Sprintf("; %s %s at %s, %s", m.Name, crossing(m), c.at(*t), unseen(m, *t, c))
			return
		}
	}
}

// unseen says why no check saw a breach: it fell between two checks, or
// after the last one (while the promotion finished).
func unseen(m *backtestreport.Metric, t float64, c clock) string {
	if n := len(m.Checks); n > 0 && t > m.Checks[n-1].T {
		return "after the last check (" + c.at(m.Checks[n-1].T) + ")"
	}
	return "between checks"
}

// undecided: where the rollout stood when the recording ended.
func undecided(v *backtestreport.Verdict, b *backtestreport.Backtest, c clock) {
	r := b.Run
	if len(r.Ticks) == 0 {
		v.Text = fmt.Sprintf("would not have decided by the end of the recording (%s UTC): no analysis tick fits in the window", c.at(b.To))
		if r.Error != "" {
			v.Text = "no verdict: " + r.Error
		}
		return
	}
	last := r.Ticks[len(r.Ticks)-1]
	v.Weight = last.CanaryWeight
	by := fmt.Sprintf("by the end of the recording (%s UTC)", c.at(b.To))
	if end := b.Release + last.T; b.To-end >= r.Interval {
		by = fmt.Sprintf("by %s UTC, where the scenario's limits.maxDuration stopped the run", c.at(end))
	}
	v.Text = fmt.Sprintf("would not have decided %s: %s with %d%% of traffic on the release and %d failed checks",
		by, last.Phase, last.CanaryWeight, last.FailedChecks)
}
