// This file turns a latency (p50, p99) into a log-normal distribution and
// the share of requests in each histogram bucket.

package traffic

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// bucketsMillis is the bucket layout: 1, 2 and 3 ms, then the Renard R10
// series (ratio about 1.26) from 4 ms to 12.5 s. 39 finite buckets plus
// +Inf. With the P99 fit below, any P99 from 1 ms to 12.5 s reads back
// exactly; below 1 ms it reads just under 1 ms (Flagger truncates that to
// 0 anyway), above 12.5 s it reads 12.5 s.
var bucketsMillis = [...]float64{
	1, 2, 3, 4, 5, 6.3, 8, 10, 12.5, 16, 20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315,
	400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500,
}

const (
	nBuckets = len(bucketsMillis)
	// z99 is the standard normal quantile at 0.99.
	z99 = 2.3263478740408408
	// nudge aims the interpolation a hair above the P99 (and the mean a
	// hair above the mean), so that float rounding inside PromQL cannot drop
	// a whole-millisecond value to the millisecond below when Flagger
	// truncates it.
	nudge = 1 + 1e-7
)

// Indexes of the weights that follow the bucket fractions.
const (
	wAll         = uint8(nBuckets)     // every request: +Inf buckets, _count, counters
	wMeanSeconds = uint8(nBuckets + 1) // mean latency in seconds, for _sum
	wMeanMillis  = uint8(nBuckets + 2) // mean latency in milliseconds, for _sum
	nWeights     = nBuckets + 3
)

// weights are what one request adds to each kind of series: the fraction
// of requests at or below each bucket boundary, 1, and the mean latency.
type weights [nWeights]float64

// Latency is a workload's response time, as a P50 and a P99.
type Latency struct{ P50, P99 time.Duration }

func (l Latency) validate() error {
	switch {
	case l.P50 < 0 || l.P99 < 0:
		return fmt.Errorf("latency P50 %v and P99 %v must not be negative", l.P50, l.P99)
	case l.P99 < l.P50:
		return fmt.Errorf("latency P99 %v is below P50 %v: P99 must be at least P50", l.P99, l.P50)
	case l.P50 == 0 && l.P99 > 0:
		return errors.New("latency P50 is zero but P99 is not: give a positive P50 (a log-normal needs one)")
	}
	return nil
}

// weightsFor computes the weights of a latency.
func weightsFor(l Latency) weights {
	var w weights
	p50, p99 := l.P50.Seconds(), l.P99.Seconds()
	bucketFractions(&w, p50, p99)
	if p99 > 0 {
		fitP99(&w, p99*1000*nudge)
	}
	w[wAll] = 1
	w[wMeanSeconds] = lognormalMean(p50, p99) * nudge // same reason as the P99's
	w[wMeanMillis] = w[wMeanSeconds] * 1000
	return w
}

// lognormalCDF is the CDF of the log-normal with the given median and P99
// (seconds). A zero median means every request takes no time; equal
// median and P99 a single latency.
func lognormalCDF(p50, p99 float64) func(x float64) float64 {
	if p50 <= 0 {
		return func(float64) float64 { return 1 }
	}
	mu, sigma := math.Log(p50), math.Log(p99/p50)/z99
	if sigma == 0 {
		return func(x float64) float64 { return step(x >= p50) }
	}
	return func(x float64) float64 { return cdfOfLog(math.Log(x), mu, sigma) }
}

// cdfOfLog is the log-normal's CDF at the x whose logarithm is logX.
func cdfOfLog(logX, mu, sigma float64) float64 {
	return 0.5 * math.Erfc(-(logX-mu)/(sigma*math.Sqrt2))
}

// logBounds are the logarithms of the finite buckets' bounds in seconds:
// a Generator's weights follow the latency, each scrape when it is noisy,
// and these do not.
var logBounds = func() (out [nBuckets]float64) {
	for i, le := range bucketsMillis {
		out[i] = math.Log(le / 1000)
	}
	return out
}()

// bucketFractions sets each finite bucket's fraction of requests: the CDF at
// its bound, as lognormalCDF gives it.
func bucketFractions(w *weights, p50, p99 float64) {
	if p50 > 0 && p99 != p50 {
		mu, sigma := math.Log(p50), math.Log(p99/p50)/z99
		if sigma != 0 {
			for i, lx := range logBounds {
				w[i] = cdfOfLog(lx, mu, sigma)
			}
			return
		}
	}
	cdf := lognormalCDF(p50, p99) // every request at one latency, or none
	for i, le := range bucketsMillis {
		w[i] = cdf(le / 1000)
	}
}

func step(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func lognormalMean(p50, p99 float64) float64 {
	if p50 <= 0 {
		return 0
	}
	sigma := math.Log(p99/p50) / z99
	return p50 * math.Exp(sigma*sigma/2)
}

// fitP99 moves the fractions at the two boundaries around target (ms) onto
// one straight line through (target, 0.99), keeping the bucket's slope when
// the neighbours allow it, so histogram_quantile(0.99) returns target. A
// target beyond the last finite bucket is left alone: PromQL then answers
// that bucket's bound, 12.5 s.
func fitP99(w *weights, target float64) {
	br, ok := bracketOf(w, target)
	if !ok {
		return
	}
	k := br.slope(target)
	if br.j > 0 {
		w[br.j-1] = math.Max(br.prev, 0.99-k*(target-br.a)) // Max: rounding must not undercut prev
	}
	w[br.j] = math.Min(br.next, 0.99+k*(br.b-target))
}

// bracket is the bucket (a, b] holding the target, the fractions at its
// bounds, and those at the bounds either side, which the fit must respect.
type bracket struct {
	j            int
	a, fa, b, fb float64
	prev, next   float64
}

func bracketOf(w *weights, target float64) (bracket, bool) {
	j := 0
	for j < nBuckets && bucketsMillis[j] < target {
		j++
	}
	if j == nBuckets {
		return bracket{}, false
	}
	br := bracket{j: j, b: bucketsMillis[j], fb: w[j], next: 1}
	if j > 0 {
		br.a, br.fa = bucketsMillis[j-1], w[j-1]
	}
	if j > 1 {
		br.prev = w[j-2]
	}
	if j+1 < nBuckets {
		br.next = w[j+1]
	}
	return br, true
}

// slope is the bucket's own slope, capped so neither moved bound passes
// its neighbour. The first bucket starts at a fixed (0, 0).
func (br bracket) slope(target float64) float64 {
	k := (br.fb - br.fa) / (br.b - br.a)
	if br.j == 0 {
		k = 0.99 / target
	}
	k = math.Min(k, (br.next-0.99)/(br.b-target))
	if br.j > 0 {
		k = math.Min(k, (0.99-br.prev)/(target-br.a))
	}
	return k
}
