// This file holds the statistics behind every interval of a sweep: Wilson
// scores for rates, order statistics for quantiles, a seeded bootstrap for
// means.

package sweepreport

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// Every interval of a sweep report is a two-sided 95% interval.
const (
	sweepAlpha = 0.05
	// z95 is the standard normal quantile 1 - sweepAlpha/2.
	z95 = 1.959963984540054
	// bootstrapResamples is enough for stable 2.5% and 97.5% percentiles
	// while keeping a 1000-seed combination under a few milliseconds.
	bootstrapResamples = 2000
)

// bootstrapSeed is fixed so a report is the same bytes on every run; it is
// the same for every combination, so a merged sweep matches a whole one.
var bootstrapSeed = [2]uint64{0x72656865, 0x61727365}

// wilson is the 95% Wilson score interval of k successes in n trials. It
// stays inside [0, 1] and stays honest at 0 of n, where the plain normal
// interval collapses to [0, 0].
func wilson(k, n int) (lo, hi float64) {
	if n <= 0 {
		return math.NaN(), math.NaN()
	}
	p, nf, z2 := float64(k)/float64(n), float64(n), z95*z95
	center := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z95 / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return max(0, center-half), min(1, center+half)
}

// zeroOfNeeded is how many trials with no success it takes for the Wilson
// upper bound to fall below limit: the smallest n with z²/(n+z²) < limit.
func zeroOfNeeded(limit float64) int {
	if limit <= 0 || limit >= 1 {
		return 0
	}
	return int(math.Floor(z95*z95*(1-limit)/limit)) + 1
}

// nearestRank is the 1-based rank of the q-quantile among n sorted values:
// the smallest rank r with r/n >= q. It always names an observed value,
// which matters for decision times that fall on the analysis interval.
func nearestRank(q float64, n int) int {
	r := int(math.Ceil(q*float64(n) - 1e-9))
	return min(max(r, 1), n)
}

// quantileRanks gives the 1-based ranks (lo, hi) of the distribution-free
// 95% interval for the q-quantile of n values. The number B of values below
// the true quantile is Binomial(n, q): lo is the highest rank with
// P(B < lo) <= 2.5%, hi the lowest with P(B >= hi) <= 2.5%. A rank of 0
// means n is too small to bound that side at all.
func quantileRanks(q float64, n int) (lo, hi int) {
	pmf := binomialPMF(n, q)
	below := 0.0 // P(B <= r-1)
	for r := 1; r <= n; r++ {
		if below += pmf[r-1]; below > sweepAlpha/2 {
			break
		}
		lo = r
	}
	above := 0.0 // P(B >= r)
	for r := n; r >= 1; r-- {
		if above += pmf[r]; above > sweepAlpha/2 {
			break
		}
		hi = r
	}
	return lo, hi
}

// binomialPMF lists P(B = k) for k = 0..n, through logarithms so large n
// neither overflows the binomial coefficient nor underflows q^n.
func binomialPMF(n int, q float64) []float64 {
	out := make([]float64, n+1)
	lq, lp := math.Log(q), math.Log1p(-q)
	ln1, _ := math.Lgamma(float64(n + 1))
	for k := range out {
		a, _ := math.Lgamma(float64(k + 1))
		b, _ := math.Lgamma(float64(n - k + 1))
		out[k] = math.Exp(ln1 - a - b + float64(k)*lq + float64(n-k)*lp)
	}
	return out
}

// quantileEstimate is the q-quantile of xs (nearest rank) with its
// order-statistic 95% interval.
func quantileEstimate(xs []float64, q float64) Estimate {
	if len(xs) == 0 {
		return Estimate{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	lo, hi := quantileRanks(q, len(s))
	return Estimate{N: len(s), Value: roundedPtr(s[nearestRank(q, len(s))-1]),
		Lo: rankValue(s, lo), Hi: rankValue(s, hi)}
}

// rankValue is the value of a 1-based rank; rank 0 means unbounded.
func rankValue(sorted []float64, rank int) *float64 {
	if rank == 0 {
		return nil
	}
	return roundedPtr(sorted[rank-1])
}

// meanEstimate is the mean of xs with a percentile-bootstrap 95% interval.
// A bootstrap, not a t interval, because error counts are skewed: a few slow
// rollbacks carry most of the errors.
func meanEstimate(xs []float64) Estimate {
	if len(xs) == 0 {
		return Estimate{}
	}
	means := bootstrapMeans(xs)
	slices.Sort(means)
	lo := means[nearestRank(sweepAlpha/2, len(means))-1]
	hi := means[nearestRank(1-sweepAlpha/2, len(means))-1]
	return Estimate{N: len(xs), Value: roundedPtr(mean(xs)), Lo: roundedPtr(lo), Hi: roundedPtr(hi)}
}

// bootstrapMeans resamples xs with replacement from a fixed seed. An index
// is the high word of a 64-bit draw times len(xs), as rand.IntN computes
// it, minus IntN's rejection step (a bias of len(xs)/2^64, far below what
// 2000 resamples show) and its interface call: twice as fast.
func bootstrapMeans(xs []float64) []float64 {
	rng := rand.NewPCG(bootstrapSeed[0], bootstrapSeed[1])
	n := uint64(len(xs))
	out := make([]float64, bootstrapResamples)
	for i := range out {
		sum := 0.0
		for range xs {
			j, _ := bits.Mul64(rng.Uint64(), n)
			sum += xs[j]
		}
		out[i] = sum / float64(n)
	}
	return out
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// rateEstimate is k of n with its Wilson interval; nil fields when n is 0.
func rateEstimate(k, n int) Rate {
	if n == 0 {
		return Rate{}
	}
	lo, hi := wilson(k, n)
	return Rate{Count: k, N: n, Rate: roundedPtr(float64(k) / float64(n)), Lo: roundedPtr(lo), Hi: roundedPtr(hi)}
}

// roundedPtr rounds to six decimals, so reports do not carry the last-bit
// noise that differs between CPUs (fused multiply-add) into golden files.
func roundedPtr(v float64) *float64 {
	r := math.Round(v*1e6) / 1e6
	return &r
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
