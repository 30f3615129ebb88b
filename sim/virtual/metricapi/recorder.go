// This file records what each version served, scrape by scrape, so the
// stand-ins answer any window from the same traffic the Prometheus saw.

package metricapi

import (
	"math"
	"sync"
	"time"

	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// span is what one version served between two scrapes.
type span struct {
	from, to time.Time
	iv       traffic.Interval
}

// Recorder keeps what each version served, scrape by scrape, in virtual
// time. It is safe for concurrent use: the feeder writes while the engine's
// queries read.
type Recorder struct {
	mu    sync.RWMutex
	spans [2][]span // by traffic.Role
}

// Observe records what role served in (from, to].
func (r *Recorder) Observe(role traffic.Role, from, to time.Time, iv traffic.Interval) {
	if !to.After(from) || role < 0 || int(role) >= len(r.spans) {
		return
	}
	r.mu.Lock()
	r.spans[role] = append(r.spans[role], span{from: from, to: to, iv: iv})
	r.mu.Unlock()
}

// weighted is one span's share of a window: its requests in the window and
// its latency.
type weighted struct {
	requests, errors float64
	latency          traffic.Latency
}

// within is every span's share of [from, to) for the roles, assuming the
// requests of a span were spread evenly over it.
func (r *Recorder) within(roles Roles, from, to time.Time) []weighted {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []weighted
	for _, role := range roles.list() {
		for _, s := range r.spans[role] {
			lo, hi := later(s.from, from), earlier(s.to, to)
			if !hi.After(lo) || s.iv.Requests <= 0 {
				continue
			}
			f := float64(hi.Sub(lo)) / float64(s.to.Sub(s.from))
			out = append(out, weighted{requests: s.iv.Requests * f, errors: s.iv.Errors * f, latency: s.iv.Latency})
		}
	}
	return out
}

// Value is a measure over [from, to): false when the roles served no
// request in it, which every API answers as "no data".
func (r *Recorder) Value(m Measure, from, to time.Time) (float64, bool) {
	ws := r.within(m.Roles, from, to)
	total := 0.0
	for _, w := range ws {
		total += w.requests
	}
	if total <= 0 {
		return 0, false
	}
	switch m.Stat.Kind {
	case Count, Rate:
		n := m.Class.count(ws)
		if m.Stat.Kind == Rate {
			n /= to.Sub(from).Seconds()
		}
		return n, true
	case Mean:
		return mixtureMean(ws) / m.Stat.Unit.Seconds(), true
	case Quantile:
		return mixtureQuantile(ws, m.Stat.Q) / m.Stat.Unit.Seconds(), true
	}
	return 0, false
}

func (c Class) count(ws []weighted) float64 {
	n := 0.0
	for _, w := range ws {
		if c.OK {
			n += w.requests - w.errors
		}
		if c.Errors {
			n += w.errors
		}
	}
	return n
}

// mixtureMean is the mean latency in seconds over the spans, each
// log-normal, weighted by requests.
func mixtureMean(ws []weighted) float64 {
	sum, n := 0.0, 0.0
	for _, w := range ws {
		sum += w.requests * lognormalMean(w.latency)
		n += w.requests
	}
	return sum / n
}

// mixtureQuantile is the q-quantile in seconds of the spans' latencies
// together, found by bisection on the mixed CDF.
func mixtureQuantile(ws []weighted, q float64) float64 {
	cdf := func(x float64) float64 {
		sum, n := 0.0, 0.0
		for _, w := range ws {
			sum += w.requests * lognormalCDF(w.latency, x)
			n += w.requests
		}
		return sum / n
	}
	lo, hi := 0.0, 1.0
	for cdf(hi) < q && hi < 1e6 {
		hi *= 2
	}
	for range 100 {
		mid := (lo + hi) / 2
		if cdf(mid) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// The traffic model's latency: log-normal through the P50 and the P99.
const z99 = 2.3263478740408408

func lognormalCDF(l traffic.Latency, x float64) float64 {
	p50, p99 := l.P50.Seconds(), l.P99.Seconds()
	switch {
	case p50 <= 0:
		return 1
	case p99 <= p50:
		if x >= p50 {
			return 1
		}
		return 0
	case x <= 0:
		return 0
	}
	sigma := math.Log(p99/p50) / z99
	return 0.5 * math.Erfc(-(math.Log(x)-math.Log(p50))/(sigma*math.Sqrt2))
}

func lognormalMean(l traffic.Latency) float64 {
	p50, p99 := l.P50.Seconds(), l.P99.Seconds()
	if p50 <= 0 || p99 <= p50 {
		return p50
	}
	sigma := math.Log(p99/p50) / z99
	return p50 * math.Exp(sigma*sigma/2)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
