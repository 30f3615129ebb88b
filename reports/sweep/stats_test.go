// This file checks the sweep statistics against values worked out by hand.

package sweepreport

import (
	"math"
	"testing"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// near compares a statistic with a literal rounded to six decimals.
func near(got, want float64) bool { return math.Abs(got-want) < 1e-6 }

func TestWilson(t *testing.T) {
	tests := []struct {
		k, n   int
		lo, hi float64
	}{
		{0, 20, 0, 0.161125},
		{20, 20, 0.838875, 1},
		{2, 20, 0.027866, 0.301034},
		{7, 20, 0.181192, 0.567146},
		{50, 100, 0.403832, 0.596168},
		{31, 100, 0.227797, 0.406261},
		{1, 1, 0.206549, 1},
		{0, 100, 0, 0.036993},
	}
	for _, tt := range tests {
		lo, hi := wilson(tt.k, tt.n)
		if !near(lo, tt.lo) || !near(hi, tt.hi) {
			t.Errorf("wilson(%d, %d) = %.6f–%.6f, want %.6f–%.6f", tt.k, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
	if lo, hi := wilson(0, 0); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("wilson(0, 0) = %v–%v, want NaN: no runs give no interval", lo, hi)
	}
}

func TestZeroOfNeeded(t *testing.T) {
	tests := []struct {
		limit float64
		want  int
	}{{0.05, 73}, {0.1, 35}, {0.01, 381}, {0, 0}, {1, 0}}
	for _, tt := range tests {
		got := zeroOfNeeded(tt.limit)
		if got != tt.want {
			t.Errorf("zeroOfNeeded(%v) = %d, want %d", tt.limit, got, tt.want)
		}
		if got == 0 {
			continue
		}
		// The answer is the first n whose 0-of-n upper bound is under the limit.
		if _, hi := wilson(0, got); hi >= tt.limit {
			t.Errorf("0 of %d bounds the rate at %v, not under %v", got, hi, tt.limit)
		}
		if _, hi := wilson(0, got-1); hi < tt.limit {
			t.Errorf("0 of %d already bounds the rate at %v, under %v", got-1, hi, tt.limit)
		}
	}
}

func TestNearestRank(t *testing.T) {
	tests := []struct {
		q    float64
		n    int
		want int
	}{{0.5, 20, 10}, {0.95, 20, 19}, {0.5, 21, 11}, {0.95, 100, 95}, {0.5, 1, 1}, {0.95, 1, 1}, {0.025, 2000, 50}, {0.975, 2000, 1950}}
	for _, tt := range tests {
		if got := nearestRank(tt.q, tt.n); got != tt.want {
			t.Errorf("nearestRank(%v, %d) = %d, want %d", tt.q, tt.n, got, tt.want)
		}
	}
}

func TestQuantileRanks(t *testing.T) {
	tests := []struct {
		q      float64
		n      int
		lo, hi int
	}{
		{0.5, 20, 6, 15},
		{0.5, 10, 2, 9},
		{0.5, 100, 40, 61},
		{0.95, 100, 90, 100},
		{0.95, 1000, 936, 964},
		{0.95, 20, 17, 0}, // 20 runs cannot bound a p95 from above
		{0.95, 60, 53, 0},
		{0.5, 5, 0, 0}, // nor 5 runs a median at all
		{0.5, 1, 0, 0},
	}
	for _, tt := range tests {
		lo, hi := quantileRanks(tt.q, tt.n)
		if lo != tt.lo || hi != tt.hi {
			t.Errorf("quantileRanks(%v, %d) = (%d, %d), want (%d, %d)", tt.q, tt.n, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestQuantileEstimate(t *testing.T) {
	// 20 decision times, unsorted: sorted they are 60, 120, …, 1200.
	xs := []float64{1200, 60, 1140, 120, 1080, 180, 1020, 240, 960, 300, 900, 360, 840, 420, 780, 480, 720, 540, 660, 600}
	tests := []struct {
		name          string
		q             float64
		value, lo, hi *float64
		wantN         int
	}{
		{"median", 0.5, new(600.0), new(360.0), new(900.0), 20},
		{"p95 without an upper bound", 0.95, new(1140.0), new(1020.0), nil, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := quantileEstimate(xs, tt.q)
			if got.N != tt.wantN || !samePtr(got.Value, tt.value) || !samePtr(got.Lo, tt.lo) || !samePtr(got.Hi, tt.hi) {
				t.Errorf("got n=%d %s [%s, %s], want %s [%s, %s]", got.N, show(got.Value), show(got.Lo), show(got.Hi),
					show(tt.value), show(tt.lo), show(tt.hi))
			}
			if xs[0] != 1200 {
				t.Errorf("quantileEstimate sorted its input in place")
			}
		})
	}
	if got := quantileEstimate(nil, 0.5); got.N != 0 || got.Value != nil {
		t.Errorf("no values should give no estimate, got %+v", got)
	}
}

func TestMeanEstimate(t *testing.T) {
	tests := []struct {
		name          string
		xs            []float64
		value, lo, hi float64
	}{
		{"constant", []float64{7, 7, 7, 7}, 7, 7, 7},
		{"one value", []float64{3}, 3, 3, 3},
		// Pinned from the fixed-seed PCG stream; math/rand/v2 promises it.
		{"skewed", []float64{1, 1, 2, 2, 3, 3, 4, 5, 8, 40}, 6.9, 2.3, 14.6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := meanEstimate(tt.xs)
			if got.N != len(tt.xs) || !near(*got.Value, tt.value) || !near(*got.Lo, tt.lo) || !near(*got.Hi, tt.hi) {
				t.Errorf("got %s [%s, %s], want %v [%v, %v]", show(got.Value), show(got.Lo), show(got.Hi), tt.value, tt.lo, tt.hi)
			}
		})
	}
}

func TestRateEstimate(t *testing.T) {
	got := rateEstimate(7, 20)
	if got.Count != 7 || got.N != 20 || !near(*got.Rate, 0.35) || !near(*got.Lo, 0.181192) || !near(*got.Hi, 0.567146) {
		t.Errorf("rateEstimate(7, 20) = %+v", got)
	}
	if got := rateEstimate(0, 0); got.Rate != nil || got.Lo != nil || got.Hi != nil {
		t.Errorf("no runs should give no rate, got %+v", got)
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		share float64
		want  string
	}{
		{0, "0%"}, {1, "100%"}, {0.35, "35%"}, {0.354, "35%"}, {0.0089, "0.89%"}, {0.027866, "2.8%"},
		{0.05, "5%"}, {0.991119, "99.1%"}, {0.9996, "99.9%"}, {0.838875, "84%"}, {0.000004, "0%"},
	}
	for _, tt := range tests {
		if got := formatPercent(tt.share); got != tt.want {
			t.Errorf("formatPercent(%v) = %q, want %q", tt.share, got, tt.want)
		}
	}
}

func samePtr(a, b *float64) bool {
	return a == nil && b == nil || a != nil && b != nil && near(*a, *b)
}

func show(v *float64) string {
	if v == nil {
		return "nil"
	}
	return text.Value(*v)
}
