// This file writes the run reports' own spans of values: a range a collapsed
// timeline row covers, and when a run was decided.

package reports

import "github.com/rehearse-dev/rehearse/reports/internal/text"

// formatRange writes the span of values a collapsed row covers: "99.1" when
// they agree, "99.1–99.8" when they differ.
func formatRange(lo, hi float64) string {
	a, b := text.Value(lo), text.Value(hi)
	if a == b {
		return a
	}
	return a + "–" + b
}

// formatDecidedAt writes when the run was decided, or a dash.
func formatDecidedAt(r *Run) string {
	if r.DecidedAt == nil {
		return "—"
	}
	return text.Duration(*r.DecidedAt)
}
