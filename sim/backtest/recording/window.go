// This file picks and bounds the window a backtest replays, finds a
// recording's resolution (its scrape interval) and trims mapped series to
// the window.

package recording

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Window is the part of a recording a backtest replays.
type Window struct {
	From, To time.Time
}

func (w Window) String() string {
	return w.From.Format(time.RFC3339) + " to " + w.To.Format(time.RFC3339)
}

// Resolve picks the window: from and to as given, else the recording's
// first and last sample. A window must lie within the recording, give or
// take two scrapes.
func (r *Recording) Resolve(from, to time.Time) (Window, error) {
	first, last, ok := r.Span()
	if !ok {
		return Window{}, fmt.Errorf("the recording %s holds no samples", r.Source)
	}
	w := Window{From: from.UTC(), To: to.UTC()}
	if from.IsZero() {
		w.From = first
	}
	if to.IsZero() {
		w.To = last
	}
	slack := 2 * r.Resolution()
	switch {
	case !w.To.After(w.From):
		return w, fmt.Errorf("the window ends (%s) before it starts (%s): give a --to after --from", stamp(w.To), stamp(w.From))
	case w.From.Before(first.Add(-slack)):
		return w, fmt.Errorf("the window starts at %s, before the recording does (%s, %s): give a --from from %s on", stamp(w.From), r.Source, stamp(first), stamp(first))
	case w.To.After(last.Add(slack)):
		return w, fmt.Errorf("the window ends at %s, after the recording does (%s, %s): give a --to up to %s", stamp(w.To), r.Source, stamp(last), stamp(last))
	}
	return w, nil
}

// stamp is a time as reports show it: UTC, to the second.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// Resolution is the median time between two samples over every series
// (1s when no series has two): the scrape interval, for a recording of
// one Prometheus.
func (r *Recording) Resolution() time.Duration {
	var all []int64
	for _, s := range r.Series {
		all = append(all, deltas(s.Samples)...)
	}
	if len(all) == 0 {
		return time.Second
	}
	return time.Duration(median(all)) * time.Millisecond
}

func deltas(ss []Sample) []int64 {
	if len(ss) < 2 {
		return nil
	}
	out := make([]int64, 0, len(ss)-1)
	for i := 1; i < len(ss); i++ {
		out = append(out, ss[i].T-ss[i-1].T)
	}
	return out
}

func median(xs []int64) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// Trim keeps the samples in [from, to] and drops series left with none.
func (m *Mapped) Trim(from, to time.Time) {
	lo, hi := from.UnixMilli(), to.UnixMilli()
	series, roles := m.Series[:0], m.Roles[:0]
	for i, s := range m.Series {
		a, _ := slices.BinarySearchFunc(s.Samples, lo, func(x Sample, t int64) int { return cmp.Compare(x.T, t) })
		b, found := slices.BinarySearchFunc(s.Samples, hi, func(x Sample, t int64) int { return cmp.Compare(x.T, t) })
		if found {
			b++
		}
		if a < b {
			series = append(series, Series{Labels: s.Labels, Samples: s.Samples[a:b]})
			roles = append(roles, m.Roles[i])
		}
	}
	m.Series, m.Roles = series, roles
}
