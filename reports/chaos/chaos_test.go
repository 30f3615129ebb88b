// This file checks the chaos report against golden files: one with trials
// that changed the outcome, one where none did (a sentence, no table).

package chaosreport

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/reports/internal/golden"
)

func chaosFixture() *Result {
	at := func(s float64) *float64 { return &s }
	return &Result{
		Mode: "catalogue",
		Baselines: []Baseline{
			{Scenario: "good-release", Outcome: "Succeeded", DecidedAt: at(540)},
			{Scenario: "bad-release", Outcome: "Failed", DecidedAt: at(90)},
		},
		Trials: []Trial{
			{Scenario: "bad-release", Seed: 1, Faults: []string{"kubernetes error from 2m0s for 3m0s"}, Baseline: "Failed", Outcome: "Failed", DecidedAt: at(90),
				Effects: []Effect{{Kind: "kubernetes error", Did: "the API server answered 500 to the engine's calls", Engine: "on tick 2 (2m0s) the engine counted no failed check and held the canary weight at 10"}}},
			{Scenario: "good-release", Seed: 1, Faults: []string{"prometheus down from 2m0s for 3m0s"}, Baseline: "Succeeded", Outcome: "Failed", DecidedAt: at(300), Changed: true,
				Why:     "tick 5: rolled back: failed checks reached the threshold (2 of 2)",
				Notes:   []string{"fault prometheus down from 2m0s for 3m0s: said above", "a note that is no fault's"},
				Effects: []Effect{{Kind: "prometheus down", Did: "Prometheus refused every connection", Engine: "on ticks 3–5 (3m0s–5m0s) the engine counted 2 failed checks, took the canary weight from 10 to 0 and rolled back on tick 5"}}},
			{Scenario: "good-release", Seed: 2, Faults: []string{"webhook flap load-test from 2m0s for 3m0s", "engine restart from 1m30s"}, Baseline: "Succeeded", Outcome: "Succeeded", DecidedAt: at(540),
				Effects: []Effect{{Kind: "webhook flap", Did: "it never took effect: nothing it breaks was called while it was in force"},
					{Kind: "engine restart", Did: "the controller died", Engine: "on tick 2 (2m0s) the engine counted no failed check and advanced the canary weight from 0 to 10"}}},
		},
		Skipped: []string{"scripted: a scripted scenario answers every metric and hook itself; faults do not apply"},
	}
}

// TestGoldenChaos: the report as a reader sees it, with human durations
// and, fault by fault, what it did and what the engine did.
func TestGoldenChaos(t *testing.T) {
	changed := chaosFixture()
	none := chaosFixture()
	none.Trials = none.Trials[:1]
	nothing := &Result{Mode: "random", Seeds: 100, Skipped: changed.Skipped}
	for name, r := range map[string]*Result{"chaos.md": changed, "chaos-unchanged.md": none, "chaos-nothing-replayed.md": nothing} {
		t.Run(name, func(t *testing.T) {
			md := golden.Render(t, func(w io.Writer) error { return WriteMarkdown(w, r) })
			golden.Check(t, name, md)
			checkChaosText(t, string(md))
		})
	}
	var table strings.Builder
	if err := WriteTable(&table, none); err != nil || !strings.Contains(table.String(), noChangeSentence) || strings.Contains(table.String(), "SCENARIO") {
		t.Errorf("an unchanged chaos run prints a table with no rows (err %v):\n%s", err, table.String())
	}
}

// nanoseconds matches a duration written to the nanosecond, as
// time.Duration prints one that was never rounded.
var nanoseconds = regexp.MustCompile(`\d\.\d{4,}s\b|\dns\b`)

// emptyTable matches a table header and separator with no row below.
var emptyTable = regexp.MustCompile(`\|---[^\n]*\n(\n|$)`)

// checkChaosText fails on the faults the issue found in chaos reports.
func checkChaosText(t *testing.T, md string) {
	t.Helper()
	if nanoseconds.MatchString(md) {
		t.Errorf("a duration is written in nanoseconds: %q", nanoseconds.FindString(md))
	}
	if emptyTable.MatchString(md) {
		t.Errorf("an empty table:\n%s", md)
	}
}
