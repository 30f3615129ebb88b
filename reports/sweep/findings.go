// This file words what a reader of a sweep acts on: the best combination
// under the false-rollback limit, a promising one, the noisy ones, and runs
// that could not complete.

package sweepreport

import (
	"fmt"
	"slices"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// maxFindingError keeps an error quoted in a finding to one readable line.
const maxFindingError = 160

// Finding is one thing a user should know about a sweep, in words.
type Finding struct {
	// Kind is best, promising, none-safe, no-bad-runs, no-good-runs, noisy,
	// undecided or errors.
	Kind string `json:"kind"`
	// Combination is the index of the combination it is about, if one.
	Combination *int   `json:"combination,omitempty"`
	Text        string `json:"text"`
}

// sweepFacts is what findings need beyond the per-combination statistics.
type sweepFacts struct {
	runs, undecided, errored int
	goodScenarios            int
	firstError               *Sample
	firstErrorLabel          string
}

func newSweepFacts(res Result, cs []CombinationSummary) sweepFacts {
	f := sweepFacts{runs: len(res.Samples)}
	good := map[string]bool{}
	for _, s := range sortedSamples(res.Samples) {
		if !s.Bad {
			good[s.Scenario] = true
		}
		if s.Error != "" && f.firstError == nil {
			f.firstError = &s
		}
	}
	f.goodScenarios = len(good)
	for _, c := range cs {
		f.undecided, f.errored = f.undecided+c.Undecided, f.errored+c.Errored
		if f.firstError != nil && c.Index == f.firstError.Combination {
			f.firstErrorLabel = c.Label
		}
	}
	return f
}

// sweepFindings lists, in order: the recommendation (or why there is
// none), every combination that rolls back good releases, and runs that
// ended undecided or could not complete.
func sweepFindings(cs []CombinationSummary, f sweepFacts, limit float64) []Finding {
	out := []Finding{recommendation(cs, f, limit)}
	out = append(out, noisyFindings(cs)...)
	if f.undecided > 0 {
		out = append(out, Finding{Kind: "undecided", Text: fmt.Sprintf(
			"%d of %d runs ended before the canary was promoted or rolled back; they count as not rolled back (see the undecided column).",
			f.undecided, f.runs)})
	}
	if f.errored > 0 {
		out = append(out, errorFinding(f))
	}
	return out
}

func errorFinding(f sweepFacts) Finding {
	e := f.firstError
	return Finding{Kind: "errors", Combination: &e.Combination, Text: fmt.Sprintf(
		"%d of %d runs could not complete and count in no rate; the first (%s, %s seed %d): %s",
		f.errored, f.runs, f.firstErrorLabel, e.Scenario, e.Seed, text.Sentence(text.Truncate(text.OneLine(e.Error), maxFindingError)))}
}

// recommendation names the combination that catches the most bad releases
// while its false-rollback rate is shown to stay under the limit.
func recommendation(cs []CombinationSummary, f sweepFacts, limit float64) Finding {
	switch {
	case !slices.ContainsFunc(cs, func(c CombinationSummary) bool { return c.Detection.N > 0 }):
		return Finding{Kind: "no-bad-runs", Text: "No bad release completed, so detection cannot be measured: add a scenario that expects the canary to fail (outcome Failed)."}
	case !slices.ContainsFunc(cs, func(c CombinationSummary) bool { return c.FalseRollback.N > 0 }):
		return Finding{Kind: "no-good-runs", Text: "No good release completed, so false rollbacks cannot be measured: add a scenario that expects the canary to succeed (outcome Succeeded)."}
	}
	if c, ok := bestDetection(cs, func(c CombinationSummary) bool { return *c.FalseRollback.Hi < limit }); ok {
		return bestFinding(c, limit)
	}
	if c, ok := bestDetection(cs, func(c CombinationSummary) bool { return c.FalseRollback.Count == 0 }); ok {
		return promisingFinding(c, f, limit)
	}
	return Finding{Kind: "none-safe", Text: fmt.Sprintf(
		"No combination keeps false rollbacks under %s: every one rolled back good releases (see below).", formatPercent(limit))}
}

// bestDetection picks, among the combinations keep accepts, the one with
// the highest detection, then the highest lower bound, then the fastest
// median rollback; the first listed wins a tie.
func bestDetection(cs []CombinationSummary, keep func(CombinationSummary) bool) (CombinationSummary, bool) {
	var best CombinationSummary
	found := false
	for _, c := range cs {
		if c.Detection.N == 0 || c.FalseRollback.N == 0 || !keep(c) {
			continue
		}
		if !found || detectsBetter(c, best) {
			best, found = c, true
		}
	}
	return best, found
}

func detectsBetter(a, b CombinationSummary) bool {
	if *a.Detection.Rate != *b.Detection.Rate {
		return *a.Detection.Rate > *b.Detection.Rate
	}
	if *a.Detection.Lo != *b.Detection.Lo {
		return *a.Detection.Lo > *b.Detection.Lo
	}
	am, bm := a.BadDecision.Median.Value, b.BadDecision.Median.Value
	return am != nil && (bm == nil || *am < *bm)
}

func bestFinding(c CombinationSummary, limit float64) Finding {
	words := fmt.Sprintf("Best under the %s false-rollback limit: %s catches %s of bad releases and rolls back %s of good ones",
		formatPercent(limit), c.Label, rateWithCI(c.Detection), rateWithCI(c.FalseRollback))
	if m := c.BadDecision.Median.Value; m != nil {
		words += fmt.Sprintf("; it decides on a bad release in a median %s", text.Duration(*m))
	}
	return Finding{Kind: "best", Combination: &c.Index, Text: words + "."}
}

// promisingFinding says which combination would be recommended had the
// sweep run enough good releases to bound its false-rollback rate.
func promisingFinding(c CombinationSummary, f sweepFacts, limit float64) Finding {
	need := zeroOfNeeded(limit)
	seeds := (need + max(f.goodScenarios, 1) - 1) / max(f.goodScenarios, 1)
	return Finding{Kind: "promising", Combination: &c.Index, Text: fmt.Sprintf(
		"No combination is shown to keep false rollbacks under %s: %d good runs with none rolled back only bound the rate at %s. "+
			"Most promising: %s catches %s of bad releases and rolled back no good one; rerun with at least %d seeds (%d good runs) to show it stays under %s.",
		formatPercent(limit), c.FalseRollback.N, formatPercent(*c.FalseRollback.Hi),
		c.Label, rateWithCI(c.Detection), seeds, need, formatPercent(limit))}
}

// noisyFindings names every combination whose false-rollback rate is
// above 0 with 95% confidence, the noisiest first.
func noisyFindings(cs []CombinationSummary) []Finding {
	var noisy []CombinationSummary
	for _, c := range cs {
		if c.FalseRollback.Lo != nil && *c.FalseRollback.Lo > 0 {
			noisy = append(noisy, c)
		}
	}
	slices.SortStableFunc(noisy, func(a, b CombinationSummary) int {
		return compareFloatDesc(*a.FalseRollback.Lo, *b.FalseRollback.Lo)
	})
	out := make([]Finding, len(noisy))
	for i, c := range noisy {
		out[i] = Finding{Kind: "noisy", Combination: &c.Index, Text: fmt.Sprintf(
			"%s rolls back %s of good releases: noise alone trips it.", c.Label, rateWithCI(c.FalseRollback))}
	}
	return out
}

func compareFloatDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
