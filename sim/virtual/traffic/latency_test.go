// This file tests the latency distribution and its bucket shares.

package traffic

import (
	"math"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"
)

// quantile99 runs Prometheus' own bucket interpolation over the weights, as
// histogram_quantile would over rates proportional to them.
func quantile99(w weights) float64 {
	b := make(promql.Buckets, 0, nBuckets+1)
	for i, le := range bucketsMillis {
		b = append(b, promql.Bucket{UpperBound: le, Count: w[i]})
	}
	b = append(b, promql.Bucket{UpperBound: math.Inf(1), Count: w[wAll]})
	q, _, _, _, _, _ := promql.BucketQuantile(0.99, b)
	return q
}

// TestP99AcrossTheRange sweeps P99 from 1 ms to 12.5 s and the spread from a
// single latency to P99 = 1000 x P50: histogram_quantile must land on the
// P99 and the weights must stay a valid cumulative distribution.
func TestP99AcrossTheRange(t *testing.T) {
	worst := 0.0
	for p99 := 1.0; p99 <= 12500; p99 *= 1.0137 {
		for _, spread := range []float64{1, 1.01, 1.1, 1.25, 1.5, 2, 3, 5, 10, 30, 100, 1000} {
			l := Latency{P50: time.Duration(p99 / spread * 1e6), P99: time.Duration(p99 * 1e6)}
			w := weightsFor(l)
			checkCumulative(t, l, w)
			want := l.P99.Seconds() * 1000
			worst = math.Max(worst, math.Abs(quantile99(w)-want)/want)
		}
	}
	t.Logf("worst relative P99 error %.3g", worst)
	if worst > 1e-6 {
		t.Fatalf("worst P99 error %.3g, want below 1e-6", worst)
	}
}

func checkCumulative(t *testing.T, l Latency, w weights) {
	t.Helper()
	prev := 0.0
	for i := 0; i < nBuckets; i++ {
		if w[i] < prev || w[i] > 1 {
			t.Fatalf("%+v: bucket %v holds %v after %v: not cumulative", l, bucketsMillis[i], w[i], prev)
		}
		prev = w[i]
	}
}

// TestWholeMillisecondsSurviveTruncation: Flagger truncates to whole
// milliseconds, so a P99 of exactly N ms must read as N, never N-1.
func TestWholeMillisecondsSurviveTruncation(t *testing.T) {
	for _, ms := range []int{1, 2, 3, 5, 7, 10, 99, 100, 250, 333, 500, 999, 1000, 4000, 9999, 10000} {
		for _, spread := range []float64{1, 2, 10} {
			l := Latency{P50: time.Duration(float64(ms) / spread * 1e6), P99: time.Duration(ms) * time.Millisecond}
			if got := math.Trunc(quantile99(weightsFor(l))); got != float64(ms) {
				t.Errorf("P99 %d ms (spread %v) truncates to %v", ms, spread, got)
			}
		}
	}
}

func TestBeyondTheLastBucket(t *testing.T) {
	w := weightsFor(Latency{P50: 5 * time.Second, P99: 30 * time.Second})
	if got := quantile99(w); got != 12500 {
		t.Fatalf("P99 beyond the layout reads %v ms, want the last bound 12500", got)
	}
}

func TestMeanWeight(t *testing.T) {
	tests := []struct {
		l    Latency
		want float64 // seconds
	}{
		{Latency{}, 0},
		{Latency{P50: 100 * time.Millisecond, P99: 100 * time.Millisecond}, 0.1},
		// sigma = ln(10)/z99, mean = P50 * exp(sigma^2/2)
		{Latency{P50: 100 * time.Millisecond, P99: time.Second}, 0.1 * math.Exp(math.Pow(math.Log(10)/z99, 2)/2)},
	}
	for _, tt := range tests {
		if got := weightsFor(tt.l)[wMeanSeconds]; math.Abs(got-tt.want) > 1e-6*tt.want {
			t.Errorf("mean of %+v = %v s, want %v", tt.l, got, tt.want)
		}
	}
}

func TestZeroLatency(t *testing.T) {
	w := weightsFor(Latency{})
	for i := 0; i < nBuckets; i++ {
		if w[i] != 1 {
			t.Fatalf("with no latency every bucket holds every request; bucket %d holds %v", i, w[i])
		}
	}
}

func TestLayout(t *testing.T) {
	b := bucketsMillis
	if len(b) != 39 || b[0] != 1 || b[3] != 4 || b[len(b)-1] != 12500 {
		t.Fatalf("layout = %v", b)
	}
	for i := 4; i < len(b); i++ { // R10 from 4 ms
		if r := b[i] / b[i-1]; r < 1.2 || r > 1.3 {
			t.Errorf("ratio %v between %v and %v", r, b[i-1], b[i])
		}
	}
}

// TestBucketFractionsAreTheCDF: the fractions computed from the bounds'
// logarithms, taken once, are the CDF at each bound to the bit, so the
// samples written do not change with the shortcut.
func TestBucketFractionsAreTheCDF(t *testing.T) {
	for p50 := 0.0; p50 < 20; p50 = p50*1.31 + 0.0007 {
		for _, spread := range []float64{1, 1.0001, 1.7, 4, 55, 1000} {
			var w weights
			bucketFractions(&w, p50, p50*spread)
			cdf := lognormalCDF(p50, p50*spread)
			for i, le := range bucketsMillis {
				if want := cdf(le / 1000); math.Float64bits(w[i]) != math.Float64bits(want) {
					t.Fatalf("p50 %v, p99 %v: bucket %v holds %v, the CDF is %v", p50, p50*spread, le, w[i], want)
				}
			}
		}
	}
}
