// This file measures the sweep reports at scale: summarizing 20 combinations
// of 1,000 seeds, rendering the page, merging four shards.

package sweepreport

import (
	"io"
	"strconv"
	"testing"
)

// bigSweep is a sweep of combos combinations × a bad and a good release ×
// seeds seeds, with outcomes from fixed rules.
func bigSweep(combos, seeds int) Result {
	res := Result{Scenarios: []string{"bad-release", "good-release"}, Seeds: seeds,
		Axes: []Axis{{Path: "analysis.threshold"}}}
	for c := range combos {
		v := strconv.Itoa(c + 1)
		res.Axes[0].Values = append(res.Axes[0].Values, v)
		res.Combinations = append(res.Combinations, Combination{Index: c, Settings: []Setting{{Path: "analysis.threshold", Value: v}}})
		for s := 1; s <= seeds; s++ {
			t := float64(60 * (c + 1 + s%4))
			res.Samples = append(res.Samples,
				Sample{Combination: c, Scenario: "bad-release", Bad: true, Seed: int64(s), RolledBack: (s*7+c)%20 < 18, DecidedAt: &t, CanaryErrors: float64(s % 50)},
				Sample{Combination: c, Scenario: "good-release", Seed: int64(s), RolledBack: (s*11+c)%100 < c, DecidedAt: &t})
		}
	}
	return res
}

func BenchmarkSummarizeSweep20x1000(b *testing.B) {
	res := bigSweep(20, 1000)
	for b.Loop() {
		if _, err := Summarize(res, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteSweepHTMLFixture(b *testing.B) {
	res := sweepFixture()
	for b.Loop() {
		if err := (Options{}).WriteHTML(io.Discard, res); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMergeSweeps4Shards(b *testing.B) {
	parts := splitShards(bigSweep(20, 1000), 4)
	for b.Loop() {
		if _, err := Merge(parts); err != nil {
			b.Fatal(err)
		}
	}
}
