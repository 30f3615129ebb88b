// This file words a run in sentences that serve Markdown and plain text
// alike: its outcome, its problem, why it was skipped or not rehearsable,
// and the tallies of a set of runs.

package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// style says how a sentence marks emphasis and escapes free text, so the
// same words serve Markdown and plain text (JUnit, the terminal).
type style struct {
	em   func(string) string
	text func(string) string
}

var plain = style{em: text.OneLine, text: text.OneLine}

var markdown = style{
	em:   func(s string) string { return "**" + text.MdInline(s) + "**" },
	text: text.MdInline,
}

// timeEpsilon absorbs float noise when a decision time is matched to a tick.
const timeEpsilon = 1e-6

// CanaryName is the name part of "namespace/name", as users call it.
func CanaryName(r *Run) string {
	name := r.Canary[strings.LastIndex(r.Canary, "/")+1:]
	if name == "" {
		return "the canary"
	}
	return name
}

// decision is the run's decision, with a word for a missing one.
func decision(r *Run) string {
	if d := text.OneLine(r.Decision); d != "" {
		return d
	}
	return "undecided"
}

// decisionTick is the tick that made the final decision: the last one
// recorded at or before DecidedAt. It is nil for undecided runs.
func decisionTick(r *Run) *Tick {
	if r.DecidedAt == nil {
		return nil
	}
	var found *Tick
	for i := range r.Ticks {
		if r.Ticks[i].T <= *r.DecidedAt+timeEpsilon {
			found = &r.Ticks[i]
		}
	}
	return found
}

// outcomeSentence says what the engine did with the release, and why.
func outcomeSentence(r *Run, st style) string {
	name := st.text(CanaryName(r))
	if r.DecidedAt != nil {
		s := fmt.Sprintf("%s would be %s at %s", name, st.em(decision(r)), text.Duration(*r.DecidedAt))
		t := decisionTick(r)
		if t != nil {
			s += fmt.Sprintf(" (tick %d)", t.Tick)
		}
		s += underProvider(r, st)
		if t != nil {
			s += reasonSuffix(t.Reason, st)
		}
		return text.Sentence(s)
	}
	if len(r.Ticks) == 0 {
		return text.Sentence(fmt.Sprintf("%s is %s: no tick was recorded", name, st.em(decision(r))))
	}
	last := r.Ticks[len(r.Ticks)-1]
	s := fmt.Sprintf("%s is still %s after %s (tick %d, phase %s)",
		name, st.em(decision(r)), text.Duration(last.T), last.Tick, st.text(last.Phase))
	return text.Sentence(s + underProvider(r, st) + reasonSuffix(last.Reason, st))
}

// underProvider names the provider the rehearsal ran under, and why: a
// Canary without spec.provider runs under Flagger's default mesh provider,
// which the reader may not know.
func underProvider(r *Run, st style) string {
	if r.Provider == "" {
		return ""
	}
	return " under " + st.text(ProviderText(r))
}

// defaultProviderSource is v1beta1.ProviderFromDefault (a test keeps them
// equal; reports reads no API types).
const defaultProviderSource = "Flagger's default mesh provider"

// ProviderText is the provider and where it came from.
func ProviderText(r *Run) string {
	switch r.ProviderSource {
	case "":
		return r.Provider
	case defaultProviderSource:
		return r.Provider + " (Flagger's default mesh provider; set --provider to match your install)"
	}
	return r.Provider + " (" + r.ProviderSource + ")"
}

func reasonSuffix(reason string, st style) string {
	if reason = st.text(reason); reason != "" {
		return ": " + strings.TrimSuffix(reason, ".")
	}
	return ""
}

// hasOutcome says whether the engine's outcome is worth a sentence: not when
// the run failed, or was not rehearsed, before its first tick.
func hasOutcome(r *Run) bool {
	return len(r.Ticks) > 0 || r.Error == "" && r.NotRehearsable == ""
}

// problemSentence says why a run did not pass: its setup error, why it
// is not rehearsable, or the expectations that failed.
func problemSentence(r *Run, st style) string {
	if r.Error != "" {
		return text.Sentence("the run could not complete: " + st.text(r.Error))
	}
	if r.NotRehearsable != "" {
		return notRehearsableSentence(r, st)
	}
	failed := failedExpectations(r)
	texts := make([]string, len(failed))
	for i, e := range failed {
		texts[i] = expectationText(e, st)
	}
	switch len(failed) {
	case 0:
		return "the run did not pass, yet it recorded no failed expectation."
	case 1:
		return text.Sentence("expectation failed: " + texts[0])
	}
	return text.Sentence(fmt.Sprintf("%d expectations failed: %s", len(failed), strings.Join(texts, "; ")))
}

// expectationText is an expectation and, when known, what was seen instead.
func expectationText(e Expectation, st style) string {
	text := strings.TrimSuffix(st.text(e.Description), ".")
	if detail := strings.TrimSuffix(st.text(e.Detail), "."); detail != "" {
		text += " — " + detail
	}
	return text
}

func failedExpectations(r *Run) []Expectation {
	var failed []Expectation
	for _, e := range r.Expectations {
		if !e.Passed {
			failed = append(failed, e)
		}
	}
	return failed
}

// verdictSentence is the one-sentence verdict a report opens with.
func verdictSentence(r *Run, st style, pass, fail string) string {
	switch resultWord(r) {
	case "skipped":
		return skippedMark + skippedSentence(r, st)
	case NotRehearsable:
		return skippedMark + notRehearsableSentence(r, st)
	case "passed":
		return pass + outcomeSentence(r, st)
	}
	return fail + problemSentence(r, st)
}

// skippedSentence says why a run was not rehearsed.
func skippedSentence(r *Run, st style) string {
	return text.Sentence(fmt.Sprintf("%s was not rehearsed: %s", st.text(CanaryName(r)), st.text(r.Skipped)))
}

// NotRehearsable is the status of a run that cannot tell what Flagger
// would do (Run.NotRehearsable says why): reported, never a failure.
const NotRehearsable = "not rehearsable"

// skippedMark opens the verdict of a run that is skipped or not rehearsable.
const skippedMark = "⏭️ "

// notRehearsableSentence says that the run cannot decide, and why.
func notRehearsableSentence(r *Run, st style) string {
	return text.Sentence(fmt.Sprintf("%s is %s: %s", st.text(r.Scenario), st.em(NotRehearsable), st.text(r.NotRehearsable)))
}

// resultWord is a run's result in one word, as Run.Status writes it.
func resultWord(r *Run) string {
	switch {
	case r.Interrupted:
		return "interrupted"
	case r.Error != "":
		return "error"
	case r.NotRehearsable != "":
		return NotRehearsable
	case r.Skipped != "":
		return "skipped"
	case r.Passed:
		return "passed"
	}
	return "failed"
}

// Failed says whether a run counts as a failure: its expectations did not
// hold or it could not complete. A run that is not rehearsable does not.
func Failed(r *Run) bool {
	w := resultWord(r)
	return w == "failed" || w == "error"
}

// sortedRuns orders runs by scenario (then canary), so a report over many
// runs does not depend on the order in which they finished.
func sortedRuns(runs []*Run) ([]*Run, error) {
	for i, r := range runs {
		if r == nil {
			return nil, fmt.Errorf("run %d of %d is nil: the simulator must record every run it reports", i+1, len(runs))
		}
	}
	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b *Run) int {
		if c := strings.Compare(a.Scenario, b.Scenario); c != 0 {
			return c
		}
		return strings.Compare(a.Canary, b.Canary)
	})
	return sorted, nil
}

// tally counts passed and not passed runs, and runs that could not complete.
// Runs that are not rehearsable are counted apart, as are skipped ones.
func tally(runs []*Run) (t tallies) {
	for _, r := range runs {
		switch resultWord(r) {
		case "passed":
			t.passed++
		case "skipped":
			t.skipped++
		case NotRehearsable:
			t.notRehearsable++
		case "interrupted":
			t.interrupted++
		case "error":
			t.errored++
			t.failed++
		default:
			t.failed++
		}
	}
	return t
}

// tallies count runs by result; failed includes errored.
type tallies struct{ passed, failed, errored, skipped, notRehearsable, interrupted int }

// skippedText is ", 1 skipped, 2 not rehearsable", leaving out what is zero.
func (t tallies) skippedText() string {
	var s string
	if t.skipped > 0 {
		s += fmt.Sprintf(", %d skipped", t.skipped)
	}
	if t.notRehearsable > 0 {
		s += fmt.Sprintf(", %d %s", t.notRehearsable, NotRehearsable)
	}
	if t.interrupted > 0 {
		s += fmt.Sprintf(", %d interrupted", t.interrupted)
	}
	return s
}
