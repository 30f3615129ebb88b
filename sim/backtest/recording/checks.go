// This file checks a mapped recording against the Canary's queries: a
// query no series answers and mixed scrape intervals are refused; counter
// resets and stretches without samples become the report's warnings.

package recording

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// mixedRatio is how far two scrape intervals may differ before a
// recording counts as mixing resolutions (jitter stays well under it).
const mixedRatio = 1.5

// maxListed bounds the warnings of one kind a report lists.
const maxListed = 5

// Check validates the mapped recording against the Canary's queries over
// window w. An error is a recording a backtest cannot decide on: a query
// no recorded series answers, or series sampled at different intervals.
// Warnings are what the report must say: counter resets (rate() handles
// them, as the recording's own Prometheus did) and stretches of the
// window where a query's series have no samples.
func Check(m *Mapped, qs []Query, w Window, counters map[string]bool) (warnings []string, err error) {
	if err := coverage(m, qs); err != nil {
		return nil, err
	}
	read := readSeries(m, qs)
	if err := resolutions(read); err != nil {
		return nil, err
	}
	warnings = append(warnings, resets(read, counters)...)
	return append(warnings, gaps(m, qs, w)...), nil
}

// coverage: every query must find a recorded series for at least one of
// its selectors, else the backtest would decide on "no values" alone.
func coverage(m *Mapped, qs []Query) error {
	var errs []error
	for _, q := range qs {
		var missing []string
		found := false
		for _, vs := range q.Selectors {
			if len(matching(m, vs)) > 0 {
				found = true
				continue
			}
			missing = append(missing, explainMissing(m, vs))
		}
		if !found && len(q.Selectors) > 0 {
			errs = append(errs, fmt.Errorf("metric %q: no recorded series answers its query %s: %s", q.Metric, q.PromQL, strings.Join(missing, "; ")))
		}
	}
	return errors.Join(errs...)
}

func matching(m *Mapped, vs *parser.VectorSelector) []int {
	var out []int
	for i, s := range m.Series {
		if matchesAll(s.Labels, vs.LabelMatchers) {
			out = append(out, i)
		}
	}
	return out
}

// explainMissing says which matcher of a selector the recording's series
// of that metric fail, and what values they have instead.
func explainMissing(m *Mapped, vs *parser.VectorSelector) string {
	name := traffic.SelectorName(vs)
	var same []labels.Labels
	for _, s := range m.Series {
		if name == "" || s.Labels.Get(labels.MetricName) == name {
			same = append(same, s.Labels)
		}
	}
	if len(same) == 0 {
		return fmt.Sprintf("the recording has no %s series at all (it has %s)", name, metricNames(m))
	}
	for _, mt := range vs.LabelMatchers {
		if mt.Name == labels.MetricName || anyMatches(same, mt) {
			continue
		}
		return fmt.Sprintf("%s selects %s, and the recording's %s series have %s %s: map them with --canary and --primary (label=value of the recording)",
			vs, mt, name, mt.Name, valuesOf(same, mt.Name))
	}
	return fmt.Sprintf("no %s series matches all of %s at once", name, vs)
}

func anyMatches(ls []labels.Labels, mt *labels.Matcher) bool {
	for _, l := range ls {
		if mt.Matches(l.Get(mt.Name)) {
			return true
		}
	}
	return false
}

func valuesOf(ls []labels.Labels, name string) string {
	var vs []string
	for _, l := range ls {
		if v := l.Get(name); !slices.Contains(vs, v) {
			vs = append(vs, v)
		}
	}
	slices.Sort(vs)
	return quoteList(vs)
}

func quoteList(vs []string) string {
	more := ""
	if len(vs) > maxListed {
		vs, more = vs[:maxListed], fmt.Sprintf(" and %d more", len(vs)-maxListed)
	}
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ") + more
}

func metricNames(m *Mapped) string {
	var names []string
	for _, s := range m.Series {
		if n := s.Labels.Get(labels.MetricName); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "no series in the window"
	}
	slices.Sort(names)
	return quoteList(names)
}

// readSeries are the series some query selects.
func readSeries(m *Mapped, qs []Query) []Series {
	seen := map[int]bool{}
	for _, q := range qs {
		for _, vs := range q.Selectors {
			for _, i := range matching(m, vs) {
				seen[i] = true
			}
		}
	}
	var out []Series
	for i, s := range m.Series {
		if seen[i] {
			out = append(out, s)
		}
	}
	return out
}

// resolutions refuses read series sampled at different intervals, or one
// whose interval changes: rates over them would not compare, and a
// window shorter than two of the coarser samples answers nothing.
func resolutions(ss []Series) error {
	var fine, coarse *Series
	var lo, hi int64
	for i := range ss {
		s := &ss[i]
		d := deltas(s.Samples)
		if len(d) < 4 {
			continue
		}
		if err := steady(s, d); err != nil {
			return err
		}
		med := median(d)
		if fine == nil || med < lo {
			fine, lo = s, med
		}
		if coarse == nil || med > hi {
			coarse, hi = s, med
		}
	}
	if fine != nil && float64(hi) > mixedRatio*float64(lo) {
		return fmt.Errorf("mixed resolutions: %s is sampled every %s and %s every %s; give a recording at one resolution (export it with one query_range step, or back-test a window one scrape interval covers)",
			fine.Labels, ms(lo), coarse.Labels, ms(hi))
	}
	return nil
}

// steadyRun is how many intervals in a row off a series' usual interval
// make a change of resolution rather than a missed scrape or two.
const steadyRun = 3

// steady refuses a series whose interval changes: a run of intervals all
// far from its median one.
func steady(s *Series, d []int64) error {
	med := median(d)
	run := 0
	for i, x := range d {
		off := float64(x) > mixedRatio*float64(med) || mixedRatio*float64(x) < float64(med)
		if !off {
			run = 0
			continue
		}
		if run++; run == steadyRun {
			start := i - steadyRun + 1
			return fmt.Errorf("mixed resolutions: %s is sampled every %s, and every %s from about %s: give a recording at one resolution",
				s.Labels, ms(med), ms(x), stamp(millis(s.Samples[start].T)))
		}
	}
	return nil
}

func ms(v int64) string { return (time.Duration(v) * time.Millisecond).String() }

// resets lists the counters that go down.
func resets(ss []Series, counters map[string]bool) []string {
	var out []string
	n := 0
	for _, s := range ss {
		if !isCounter(s.Labels.Get(labels.MetricName), counters) {
			continue
		}
		for i := 1; i < len(s.Samples); i++ {
			prev, cur := s.Samples[i-1].V, s.Samples[i].V
			if math.IsNaN(prev) || math.IsNaN(cur) || cur >= prev {
				continue
			}
			n++
			if n <= maxListed {
				out = append(out, fmt.Sprintf("counter reset: %s went from %g to %g at %s; rate() counts from zero again, as the Prometheus that recorded it did (expected when pods restart; not when series were stitched together from several sources)",
					s.Labels, prev, cur, stamp(millis(s.Samples[i].T))))
			}
		}
	}
	if n > maxListed {
		out = append(out, fmt.Sprintf("counter reset: %d more", n-maxListed))
	}
	return out
}

// isCounter: a family the source declared a counter or histogram, or
// (when the source declares nothing) a name with a counter's suffix.
func isCounter(name string, counters map[string]bool) bool {
	if len(counters) > 0 {
		for _, suffix := range []string{"_total", "_bucket", "_count", "_sum", ""} {
			if fam, ok := strings.CutSuffix(name, suffix); ok && counters[fam] {
				return true
			}
		}
		return counters[name]
	}
	for _, suffix := range []string{"_total", "_bucket", "_count"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// gaps says where in the window a query's selector has no samples for
// longer than the query can look back: its checks there find no values.
func gaps(m *Mapped, qs []Query, w Window) []string {
	var out []string
	seen := map[string]bool{}
	for _, q := range qs {
		for _, vs := range q.Selectors {
			key := vs.String()
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, selectorGaps(m, vs, w, q)...)
		}
	}
	return out
}

func selectorGaps(m *Mapped, vs *parser.VectorSelector, w Window, q Query) []string {
	var ts []int64
	for _, i := range matching(m, vs) {
		for _, s := range m.Series[i].Samples {
			ts = append(ts, s.T)
		}
	}
	if len(ts) == 0 {
		return nil
	}
	slices.Sort(ts)
	limit := (q.Lookback - lookbackDelta).Milliseconds()
	if limit <= 0 {
		limit = lookbackDelta.Milliseconds()
	}
	prev := w.From.UnixMilli()
	var out []string
	for _, t := range append(ts, w.To.UnixMilli()) {
		if t-prev > limit && t > w.From.UnixMilli() {
			out = append(out, fmt.Sprintf("no samples of %s from %s to %s: %s's checks in that stretch find no values",
				vs, stamp(millis(max(prev, w.From.UnixMilli()))), stamp(millis(min(t, w.To.UnixMilli()))), q.Metric))
		}
		prev = max(prev, t)
	}
	return out
}
