// This file holds what every source is read into, Recording, Series and
// Sample, and the builder that sorts samples and refuses two values of a
// series at one time.

package recording

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
)

// Sample is one recorded value at a time in Unix milliseconds.
type Sample struct {
	T int64
	V float64
}

// Series is one recorded time series, its samples in time order.
type Series struct {
	Labels  labels.Labels
	Samples []Sample
}

// Recording is everything a source held, as read.
type Recording struct {
	// Source names where it came from, for messages.
	Source string
	// Format is what the source was: "TSDB", "OpenMetrics", "text
	// exposition" or "Prometheus API".
	Format string
	// Series are sorted by labels; no two have the same labels.
	Series []Series
	// Counters names the metric families the source declares counters or
	// histograms (an exposition file's TYPE lines); other sources leave it
	// empty and counters are recognised by their names.
	Counters map[string]bool
	// Step is the query_range resolution of a live source; 0 otherwise.
	Step time.Duration
	// Skipped says what was read but cannot be loaded (native histograms).
	Skipped []string
}

// Span is the time of the first and of the last sample.
func (r *Recording) Span() (first, last time.Time, ok bool) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, s := range r.Series {
		if len(s.Samples) == 0 {
			continue
		}
		lo = min(lo, s.Samples[0].T)
		hi = max(hi, s.Samples[len(s.Samples)-1].T)
	}
	if lo > hi {
		return time.Time{}, time.Time{}, false
	}
	return millis(lo), millis(hi), true
}

// Samples is how many samples the recording holds.
func (r *Recording) Samples() int {
	n := 0
	for _, s := range r.Series {
		n += len(s.Samples)
	}
	return n
}

func millis(t int64) time.Time { return time.UnixMilli(t).UTC() }

// builder collects samples series by series, in any order, and checks
// them when done.
type builder struct {
	byKey map[string]*Series
}

func newBuilder() *builder { return &builder{byKey: map[string]*Series{}} }

func (b *builder) add(l labels.Labels, t int64, v float64) {
	k := l.String()
	s, ok := b.byKey[k]
	if !ok {
		s = &Series{Labels: l}
		b.byKey[k] = s
	}
	s.Samples = append(s.Samples, Sample{T: t, V: v})
}

// series sorts every series' samples and the series by labels. Two
// samples of a series at one time are an error unless they are equal (a
// source may repeat a sample at a block boundary).
func (b *builder) series() ([]Series, error) {
	out := make([]Series, 0, len(b.byKey))
	for _, s := range b.byKey {
		sort.SliceStable(s.Samples, func(i, j int) bool { return s.Samples[i].T < s.Samples[j].T })
		var err error
		if s.Samples, err = dedupe(s.Labels, s.Samples); err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Series) int { return labels.Compare(a.Labels, b.Labels) })
	return out, nil
}

func dedupe(l labels.Labels, in []Sample) ([]Sample, error) {
	out := in[:0]
	for i, s := range in {
		if i > 0 && s.T == in[i-1].T {
			if sameValue(s.V, in[i-1].V) {
				continue
			}
			return nil, fmt.Errorf("series %s has two different values at %s (%g and %g): a recording holds one sample per series and time",
				l, millis(s.T).Format(time.RFC3339Nano), in[i-1].V, s.V)
		}
		out = append(out, s)
	}
	return out, nil
}

// sameValue compares bit for bit, so that two stale markers are equal.
func sameValue(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (value.IsStaleNaN(a) && value.IsStaleNaN(b))
}
