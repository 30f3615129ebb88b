// This file evaluates a measure into time buckets and combines series
// point by point, as the providers' APIs return them.

package metricapi

import (
	"math"
	"sort"
	"time"
)

// series is a value per bucket start (Unix seconds), or a scalar. A bucket
// with no value has no key: APIs leave such buckets out or answer null.
type series struct {
	scalar bool
	value  float64
	points map[int64]float64
}

func scalar(v float64) series { return series{scalar: true, value: v} }

// window is the buckets a query is answered in: [from, to), step apart,
// starting at a multiple of step, or at from when exact.
type window struct {
	from, to time.Time
	step     time.Duration
	exact    bool
}

func (w window) starts() []time.Time {
	if w.step <= 0 || !w.to.After(w.from) {
		return nil
	}
	var out []time.Time
	start := w.from.Truncate(w.step)
	if w.exact {
		start = w.from
	}
	for t := start; t.Before(w.to); t = t.Add(w.step) {
		out = append(out, t)
	}
	return out
}

// measure evaluates a measure in each bucket.
func (r *Recorder) measure(m Measure, w window) series {
	s := series{points: map[int64]float64{}}
	for _, t := range w.starts() {
		if v, ok := r.Value(m, t, t.Add(w.step)); ok {
			s.points[t.Unix()] = v
		}
	}
	return s
}

// apply combines two series point by point; a bucket missing from either
// side is missing from the result, and so is a division by zero.
func apply(a, b series, op byte) series {
	if a.scalar && b.scalar {
		v, ok := arith(a.value, b.value, op)
		if !ok {
			return series{points: map[int64]float64{}}
		}
		return scalar(v)
	}
	out := series{points: map[int64]float64{}}
	for _, t := range keysOf(a, b) {
		x, okA := a.at(t)
		y, okB := b.at(t)
		if !okA || !okB {
			continue
		}
		if v, ok := arith(x, y, op); ok {
			out.points[t] = v
		}
	}
	return out
}

func (s series) at(t int64) (float64, bool) {
	if s.scalar {
		return s.value, true
	}
	v, ok := s.points[t]
	return v, ok
}

func keysOf(a, b series) []int64 {
	set := map[int64]bool{}
	for _, s := range []series{a, b} {
		for t := range s.points {
			set[t] = true
		}
	}
	out := make([]int64, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func arith(x, y float64, op byte) (float64, bool) {
	var v float64
	switch op {
	case '+':
		v = x + y
	case '-':
		v = x - y
	case '*':
		v = x * y
	case '/':
		if y == 0 {
			return 0, false
		}
		v = x / y
	default:
		return 0, false
	}
	return v, !math.IsNaN(v) && !math.IsInf(v, 0)
}

// mapPoints applies f to every value.
func (s series) mapPoints(f func(float64) float64) series {
	if s.scalar {
		return scalar(f(s.value))
	}
	out := series{points: map[int64]float64{}}
	for t, v := range s.points {
		out.points[t] = f(v)
	}
	return out
}

// filled gives every bucket of w a value, v where s has none.
func (s series) filled(w window, v float64) series {
	if s.scalar {
		return s
	}
	out := series{points: map[int64]float64{}}
	for _, t := range w.starts() {
		x, ok := s.points[t.Unix()]
		if !ok {
			x = v
		}
		out.points[t.Unix()] = x
	}
	return out
}

// sorted lists the buckets in time order.
func (s series) sorted() []int64 {
	return keysOf(s, series{})
}
