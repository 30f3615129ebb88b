// This file decides which scenarios are skipped, and why.

package sim

import (
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// skipReason says why a scenario is not rehearsed, or "": its Canary is
// suspended from the start, no event resumes it and nothing is expected.
// Flagger does nothing with a suspended Canary (no analysis, no failure),
// so such a scenario can pass or fail nothing, and it is reported skipped.
func skipReason(sc *scenarios.Scenario) string {
	if !sc.Canary.Spec.Suspend || expectsSomething(sc.Expect) {
		return ""
	}
	for _, e := range sc.Events {
		if e.Kind == scenarios.EventResume {
			return ""
		}
	}
	return reports.SkippedSuspended
}

func expectsSomething(e scenarios.Expect) bool {
	return e.Outcome != "" || e.Within > 0 || e.MaxWeight != nil || len(e.Ticks) > 0
}
