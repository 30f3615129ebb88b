// This file writes the run report's "Why" section: each phase the canary
// went through and why, and every tick that added a failed check and what
// failed.

package reports

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// finding is one line of the "Why" section, placed by the tick it starts at.
type finding struct {
	from int
	text string
}

// writeWhy explains the decisive ticks in words: each phase the canary went
// through and why, and every tick that added a failed check and what failed.
func writeWhy(b *bytes.Buffer, r *Run) {
	if len(r.Ticks) == 0 {
		return
	}
	findings := append(phaseFindings(r), failureFindings(r.Ticks)...)
	findings = append(findings, gateFindings(r.Ticks)...)
	slices.SortStableFunc(findings, func(a, c finding) int { return cmp.Compare(a.from, c.from) })
	b.WriteString("## Why\n\n")
	for _, f := range findings {
		fmt.Fprintf(b, "- %s\n", f.text)
	}
	b.WriteString("\n")
}

// whyLabel is the bold tick label and time that opens a finding.
func whyLabel(ticks []Tick, s span) string {
	tick, at := spanLabels(ticks, s)
	word := "Tick"
	if s.len() > 1 {
		word = "Ticks"
	}
	return fmt.Sprintf("**%s %s** (%s)", word, tick, at)
}

// phaseFindings describes each stretch of ticks spent in one phase.
func phaseFindings(r *Run) []finding {
	ticks := r.Ticks
	spans := groupTicks(ticks, func(t Tick) string { return t.Phase })
	findings := make([]finding, 0, len(spans))
	for i, s := range spans {
		ended := i == len(spans)-1 && r.DecidedAt == nil
		findings = append(findings, finding{s.from, phaseText(ticks, s, ended)})
	}
	return findings
}

func phaseText(ticks []Tick, s span, ended bool) string {
	first := ticks[s.from]
	words := whyLabel(ticks, s) + ": " + text.MdInline(first.Phase)
	if s.len() > 1 {
		words += " for " + text.Plural(s.len(), "tick")
	}
	details := []string{text.MdInline(strings.TrimSuffix(first.Reason, "."))}
	details = append(details, progressDetails(ticks, s)...)
	details = append(details, hookDetails(first)...)
	if d := thresholdDetail(ticks, s); d != "" {
		details = append(details, d)
	}
	if ended {
		details = append(details, "still so when the run ended")
	}
	if details = nonEmpty(details); len(details) > 0 {
		words += " — " + strings.Join(details, "; ")
	}
	return text.Sentence(words)
}

// progressDetails says how the weight and iterations moved over a span.
func progressDetails(ticks []Tick, s span) []string {
	if s.len() == 1 {
		return nil
	}
	first, last := ticks[s.from], ticks[s.to]
	var details []string
	switch {
	case first.CanaryWeight != last.CanaryWeight:
		details = append(details, fmt.Sprintf("canary weight %d → %d", first.CanaryWeight, last.CanaryWeight))
	case first.CanaryWeight > 0:
		details = append(details, fmt.Sprintf("canary weight held at %d", first.CanaryWeight))
	}
	if first.Iterations != last.Iterations {
		details = append(details, fmt.Sprintf("iterations %d → %d", first.Iterations, last.Iterations))
	}
	return details
}

// hookDetails names the rollback hooks that asked for a rollback on a tick
// and the failed hooks whose failure Flagger ignores. Closed gates have
// findings of their own (gateFindings).
func hookDetails(t Tick) []string {
	var details []string
	for _, h := range t.Webhooks {
		switch {
		case !h.Passed && ignoredHookTypes[h.Type]:
			details = append(details, hookText(h)+", which Flagger ignores")
		case h.Type == "rollback" && h.Status >= 200 && h.Status < 300:
			details = append(details, hookText(h))
		}
	}
	return details
}

// thresholdDetail recalls the failed checks counted before a rollback,
// because the rollback tick itself resets the counter to zero.
func thresholdDetail(ticks []Tick, s span) string {
	if ticks[s.from].Phase != "Failed" || s.from == 0 {
		return ""
	}
	before := ticks[s.from-1]
	if before.FailedChecks == 0 {
		return ""
	}
	return fmt.Sprintf("failed checks had reached %d on tick %d", before.FailedChecks, before.Tick)
}

func hookText(h Webhook) string {
	words := "hook " + text.MdCode(h.Name)
	if h.Type != "" {
		words += " (" + text.MdInline(h.Type) + ")"
	}
	if h.Status == 0 {
		words += " did not answer"
	} else {
		words += fmt.Sprintf(" answered %d", h.Status)
	}
	if h.Error != "" {
		words += ": " + text.MdInline(h.Error)
	}
	return words
}

// failureFindings describes every stretch of ticks that added a failed check
// for the same cause.
func failureFindings(ticks []Tick) []finding {
	var findings []finding
	for _, s := range failureSpans(ticks) {
		before := 0
		if s.from > 0 {
			before = ticks[s.from-1].FailedChecks
		}
		words := fmt.Sprintf("%s: failed checks %d → %d — %s", whyLabel(ticks, s),
			before, ticks[s.to].FailedChecks, failureCause(ticks[s.from:s.to+1]))
		findings = append(findings, finding{s.from, text.Sentence(words)})
	}
	return findings
}

// failureSpans groups consecutive ticks that each added a failed check,
// for the same failing checks.
func failureSpans(ticks []Tick) []span {
	var spans []span
	for i, t := range ticks {
		if !addsFailure(ticks, i) {
			continue
		}
		n := len(spans)
		if n > 0 && spans[n-1].to == i-1 && failingKey(ticks[i-1]) == failingKey(t) {
			spans[n-1].to = i
			continue
		}
		spans = append(spans, span{i, i})
	}
	return spans
}

func addsFailure(ticks []Tick, i int) bool {
	before := 0
	if i > 0 {
		before = ticks[i-1].FailedChecks
	}
	return ticks[i].FailedChecks > before
}

func failingKey(t Tick) string {
	var names []string
	for _, m := range t.Metrics {
		if !m.Passed {
			names = append(names, "m:"+m.Name)
		}
	}
	for _, h := range failingHooks(t) {
		names = append(names, "h:"+h.Name)
	}
	return strings.Join(names, "\x00")
}

// countingHookTypes are the hooks whose failure counts as a failed check;
// the others halt, wait or are ignored.
var countingHookTypes = map[string]bool{"pre-rollout": true, "rollout": true, "": true}

// gateHookTypes are the hooks that hold the canary where it is while they
// fail, without counting a failed check.
var gateHookTypes = map[string]bool{"confirm-rollout": true, "confirm-traffic-increase": true, "confirm-promotion": true}

// ignoredHookTypes are the hooks whose failure changes nothing.
var ignoredHookTypes = map[string]bool{"post-rollout": true, "event": true}

func failingHooks(t Tick) []Webhook {
	return failedHooksOf(t, countingHookTypes)
}

// failedHooksOf lists the tick's failed hooks of the given types.
func failedHooksOf(t Tick, types map[string]bool) []Webhook {
	var hooks []Webhook
	for _, h := range t.Webhooks {
		if !h.Passed && types[h.Type] {
			hooks = append(hooks, h)
		}
	}
	return hooks
}

// failureCause says what failed over a span of ticks that share failingKey.
func failureCause(ticks []Tick) string {
	var causes []string
	for _, m := range ticks[0].Metrics {
		if !m.Passed {
			causes = append(causes, metricCause(m, namedMetricValues(ticks, m.Name)))
		}
	}
	for _, h := range failingHooks(ticks[0]) {
		causes = append(causes, hookText(h))
	}
	if len(causes) == 0 {
		return strings.TrimSuffix(text.MdInline(ticks[0].Reason), ".")
	}
	return strings.Join(causes, "; ")
}

// namedMetricValues collects the values of the named metric over ticks that
// all failed it (see failingKey), wherever it sits in each tick's list.
func namedMetricValues(ticks []Tick, name string) []*float64 {
	var values []*float64
	for _, t := range ticks {
		for _, m := range t.Metrics {
			if m.Name == name {
				values = append(values, m.Value)
				break
			}
		}
	}
	return values
}

// metricCause explains a failed metric: no values, or a value outside its
// inclusive bounds, or the error the query returned.
func metricCause(m Metric, values []*float64) string {
	words := text.MdCode(m.Name)
	if valuesText(values) == "no values" {
		words += " returned no values"
	} else {
		words += " was " + valuesText(values) + boundsText(m, values)
	}
	if m.Error != "" {
		words += ": " + text.MdInline(m.Error)
	}
	return words
}

// boundsText names the bound the values broke, or both bounds when the
// values do not show which one.
func boundsText(m Metric, values []*float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v != nil {
			lo, hi = math.Min(lo, *v), math.Max(hi, *v)
		}
	}
	switch {
	case m.Min != nil && hi < *m.Min:
		return ", below the minimum " + text.Value(*m.Min)
	case m.Max != nil && lo > *m.Max:
		return ", above the maximum " + text.Value(*m.Max)
	case m.Min != nil && m.Max != nil:
		return fmt.Sprintf(" (allowed %s to %s)", text.Value(*m.Min), text.Value(*m.Max))
	case m.Min != nil:
		return " (minimum " + text.Value(*m.Min) + ")"
	case m.Max != nil:
		return " (maximum " + text.Value(*m.Max) + ")"
	}
	return ""
}

func nonEmpty(items []string) []string {
	return slices.DeleteFunc(items, func(s string) bool { return s == "" })
}

// gateFindings describes every stretch of ticks held by the same closed
// gates (confirm-rollout, confirm-traffic-increase, confirm-promotion).
func gateFindings(ticks []Tick) []finding {
	key := func(t Tick) string {
		var k strings.Builder
		for _, h := range failedHooksOf(t, gateHookTypes) {
			fmt.Fprintf(&k, "%s\x00%s\x00%d\x00", h.Name, h.Type, h.Status)
		}
		return k.String()
	}
	var findings []finding
	for _, s := range groupTicks(ticks, key) {
		hooks := failedHooksOf(ticks[s.from], gateHookTypes)
		if len(hooks) == 0 {
			continue
		}
		texts := make([]string, len(hooks))
		for i, h := range hooks {
			texts[i] = hookText(h)
		}
		words := whyLabel(ticks, s) + ": held back by a closed gate — " + strings.Join(texts, "; ")
		findings = append(findings, finding{s.from, text.Sentence(words)})
	}
	return findings
}
