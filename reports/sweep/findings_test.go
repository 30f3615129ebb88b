// This file checks the findings and the summary's counts: which combination
// is recommended, which are noisy, and what a malformed result is refused
// for.

package sweepreport

import (
	"strings"
	"testing"
)

// combo is a combination's summary with the counts a finding looks at.
func combo(index int, label string, detected, badRuns, falseRollbacks, goodRuns int) CombinationSummary {
	return CombinationSummary{Index: index, Label: label,
		Detection: rateEstimate(detected, badRuns), FalseRollback: rateEstimate(falseRollbacks, goodRuns)}
}

func withMedian(c CombinationSummary, seconds float64) CombinationSummary {
	c.BadDecision.Median = Estimate{N: 1, Value: new(seconds)}
	return c
}

func TestRecommendation(t *testing.T) {
	oneGood := sweepFacts{goodScenarios: 1}
	tests := []struct {
		name      string
		combos    []CombinationSummary
		facts     sweepFacts
		limit     float64
		wantKind  string
		wantIndex int
		wantText  string
	}{
		{
			name: "best detection among those provably under the limit",
			combos: []CombinationSummary{
				combo(0, "threshold=1", 100, 100, 4, 100), // detects all, but up to 9.8% false rollbacks
				withMedian(combo(1, "threshold=3", 97, 100, 0, 100), 300),
				combo(2, "threshold=5", 90, 100, 0, 100),
			},
			facts: oneGood, limit: 0.05, wantKind: "best", wantIndex: 1,
			wantText: "Best under the 5% false-rollback limit: threshold=3 catches 97% (97 of 100, CI 91.5–99%) of bad releases and rolls back 0% (0 of 100, CI 0–3.7%) of good ones; it decides on a bad release in a median 5m0s.",
		},
		{
			name: "a tie on detection goes to the faster rollback",
			combos: []CombinationSummary{
				withMedian(combo(0, "interval=1m", 100, 100, 0, 100), 600),
				withMedian(combo(1, "interval=30s", 100, 100, 0, 100), 300),
			},
			facts: oneGood, limit: 0.05, wantKind: "best", wantIndex: 1,
		},
		{
			name: "a looser limit lets 20 good runs qualify",
			combos: []CombinationSummary{
				combo(0, "threshold=1", 20, 20, 5, 20),
				combo(1, "threshold=3", 19, 20, 0, 20),
			},
			facts: oneGood, limit: 0.2, wantKind: "best", wantIndex: 1,
		},
		{
			name: "too few good runs to prove any rate under the limit",
			combos: []CombinationSummary{
				combo(0, "threshold=1", 20, 20, 3, 20),
				combo(1, "threshold=3", 19, 20, 0, 20),
				combo(2, "threshold=5", 15, 20, 0, 20),
			},
			facts: sweepFacts{goodScenarios: 2}, limit: 0.05, wantKind: "promising", wantIndex: 1,
			wantText: "No combination is shown to keep false rollbacks under 5%: 20 good runs with none rolled back only bound the rate at 16%. " +
				"Most promising: threshold=3 catches 95% (19 of 20, CI 76–99.1%) of bad releases and rolled back no good one; rerun with at least 37 seeds (73 good runs) to show it stays under 5%.",
		},
		{
			name:   "every combination rolls back good releases",
			combos: []CombinationSummary{combo(0, "min=99.9", 20, 20, 9, 20), combo(1, "min=99.5", 20, 20, 1, 20)},
			facts:  oneGood, limit: 0.05, wantKind: "none-safe", wantIndex: -1,
			wantText: "No combination keeps false rollbacks under 5%: every one rolled back good releases (see below).",
		},
		{
			name:   "no bad release",
			combos: []CombinationSummary{combo(0, "threshold=1", 0, 0, 0, 20)},
			facts:  oneGood, limit: 0.05, wantKind: "no-bad-runs", wantIndex: -1,
		},
		{
			name:   "no good release",
			combos: []CombinationSummary{combo(0, "threshold=1", 20, 20, 0, 0)},
			facts:  oneGood, limit: 0.05, wantKind: "no-good-runs", wantIndex: -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := recommendation(tt.combos, tt.facts, tt.limit)
			if got.Kind != tt.wantKind || indexOf(got) != tt.wantIndex {
				t.Errorf("got %s about combination %d, want %s about %d: %s", got.Kind, indexOf(got), tt.wantKind, tt.wantIndex, got.Text)
			}
			if tt.wantText != "" && got.Text != tt.wantText {
				t.Errorf("text:\n got: %s\nwant: %s", got.Text, tt.wantText)
			}
		})
	}
}

func indexOf(f Finding) int {
	if f.Combination == nil {
		return -1
	}
	return *f.Combination
}

func TestNoisyFindings(t *testing.T) {
	got := noisyFindings([]CombinationSummary{
		combo(0, "threshold=1, min=99", 20, 20, 2, 20),
		combo(1, "threshold=1, min=99.5", 20, 20, 31, 100),
		combo(2, "threshold=3, min=99", 19, 20, 0, 20),
		combo(3, "threshold=3, min=99.5", 20, 20, 0, 0),
	})
	want := []string{
		"threshold=1, min=99.5 rolls back 31% (31 of 100, CI 23–41%) of good releases: noise alone trips it.",
		"threshold=1, min=99 rolls back 10% (2 of 20, CI 2.8–30%) of good releases: noise alone trips it.",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Text != want[i] || got[i].Kind != "noisy" {
			t.Errorf("finding %d:\n got: %s %s\nwant: noisy %s", i, got[i].Kind, got[i].Text, want[i])
		}
	}
}

func TestSweepFindingsOfFixture(t *testing.T) {
	sum, err := Summarize(sweepFixture(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, f := range sum.Findings {
		kinds = append(kinds, f.Kind)
	}
	if got, want := strings.Join(kinds, " "), "promising noisy noisy noisy undecided errors"; got != want {
		t.Errorf("finding kinds = %s, want %s", got, want)
	}
	last := sum.Findings[len(sum.Findings)-1].Text
	if !strings.Contains(last, "threshold=5, min=99.5, bad-release seed 20") || !strings.Contains(last, "connection refused") {
		t.Errorf("the error finding should name the first failed run and its error: %s", last)
	}
}

func TestSummarizeSweepCounts(t *testing.T) {
	sum, err := Summarize(sweepFixture(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := sum.Combinations[5] // threshold=5, min=99.5: one errored bad run, one undecided good run
	tests := []struct {
		name      string
		got, want int
	}{
		{"runs", c.Runs, 40},
		{"bad runs that completed", c.Detection.N, 19},
		{"bad runs rolled back", c.Detection.Count, 17},
		{"good runs (the undecided one counts)", c.FalseRollback.N, 20},
		{"good runs rolled back", c.FalseRollback.Count, 0},
		{"decided good runs", c.GoodDecision.Median.N, 19},
		{"rolled-back bad runs in the blast radius", c.BlastRadius.Mean.N, 17},
		{"undecided", c.Undecided, 1},
		{"errored", c.Errored, 1},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
	if c.Label != "threshold=5, min=99.5" {
		t.Errorf("label = %q", c.Label)
	}
}

func TestSummarizeSweepRefuses(t *testing.T) {
	stray := sweepFixture()
	stray.Samples[0].Combination = 9
	twice := sweepFixture()
	twice.Combinations[1].Index = 0
	tests := []struct {
		name string
		res  Result
		opts Options
		want string
	}{
		{"a run of an unknown combination", stray, Options{}, "refers to combination 9, which the sweep does not list"},
		{"a combination listed twice", twice, Options{}, "lists combination 0 twice"},
		{"a limit of 100%", sweepFixture(), Options{MaxFalseRollback: 1}, "between 0 and 1"},
		{"a negative limit", sweepFixture(), Options{MaxFalseRollback: -0.1}, "between 0 and 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Summarize(tt.res, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestSettingNames(t *testing.T) {
	res := Result{Axes: []Axis{
		{Path: "analysis.threshold"},
		{Path: "analysis.metrics[request-success-rate].thresholdRange.min"},
		{Path: "analysis.metrics[latency.p99].thresholdRange.max"},
		{Path: "analysis.metrics[other].thresholdRange.max"},
	}}
	want := map[string]string{
		"analysis.threshold": "threshold",
		"analysis.metrics[request-success-rate].thresholdRange.min": "min",
		"analysis.metrics[latency.p99].thresholdRange.max":          "analysis.metrics[latency.p99].thresholdRange.max",
		"analysis.metrics[other].thresholdRange.max":                "analysis.metrics[other].thresholdRange.max",
	}
	got := settingNames(res)
	for path, name := range want {
		if got[path] != name {
			t.Errorf("name of %s = %q, want %q", path, got[path], name)
		}
	}
}
