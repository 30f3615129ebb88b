// This file is the Finding (rule, severity, message, file and line), the two severities, counting
// them, and the one order findings are sorted in.

package lint

import (
	"cmp"
	"slices"
)

// Severities. An error means the rollout cannot go as written; a warning
// means Flagger will do something other than what the manifest seems to say.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Finding is one problem, where it was written and how to fix it.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	// Object is the Set key of the object ("Canary/test/podinfo"), when known.
	Object string `json:"object,omitempty"`
	// Field is the path of the offending field ("spec.analysis.stepWeight"),
	// which Locate turns into a line.
	Field string `json:"field,omitempty"`
}

// HasErrors is true when any finding has error severity.
func HasErrors(findings []Finding) bool {
	return slices.ContainsFunc(findings, func(f Finding) bool { return f.Severity == SeverityError })
}

// Count returns how many findings are errors and how many warnings.
func Count(findings []Finding) (errs, warnings int) {
	for _, f := range findings {
		if f.Severity == SeverityError {
			errs++
		} else {
			warnings++
		}
	}
	return errs, warnings
}

// sortFindings orders by file, line and rule; the message breaks ties so
// that the output never depends on map or slice order.
func sortFindings(findings []Finding) {
	slices.SortStableFunc(findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
}
