// This file checks a run against the scenario's expectations (outcome,
// decision time, weights, per-tick states).

package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// expectations judges a finished run against what the scenario expects.
// Pure: it reads the recorded run only.
func expectations(e scenarios.Expect, r *reports.Run) []reports.Expectation {
	var out []reports.Expectation
	if e.Outcome != "" {
		out = append(out, check(fmt.Sprintf("the outcome is %s", e.Outcome), r.Outcome == string(e.Outcome),
			fmt.Sprintf("the run ended in %s", orNone(r.Outcome))))
	}
	if e.Within > 0 {
		out = append(out, within(e.Within, r))
	}
	if e.MaxWeight != nil {
		out = append(out, check(fmt.Sprintf("the canary weight reaches at most %d", *e.MaxWeight), r.MaxWeight == *e.MaxWeight,
			fmt.Sprintf("the router held at most %d", r.MaxWeight)))
	}
	for _, te := range e.Ticks {
		out = append(out, tickExpectation(te, r))
	}
	return out
}

func check(desc string, ok bool, detail string) reports.Expectation {
	x := reports.Expectation{Description: desc, Passed: ok}
	if !ok {
		x.Detail = detail
	}
	return x
}

func orNone(s string) string {
	if s == "" {
		return "no phase"
	}
	return s
}

func within(d time.Duration, r *reports.Run) reports.Expectation {
	desc := fmt.Sprintf("the decision comes within %s", d)
	if r.DecidedAt == nil {
		return check(desc, false, "no decision was reached")
	}
	at := time.Duration(*r.DecidedAt * float64(time.Second))
	return check(desc, at <= d, fmt.Sprintf("decided at %s", at))
}

func tickExpectation(te scenarios.TickExpect, r *reports.Run) reports.Expectation {
	var want, got []string
	var row *reports.Tick
	for i := range r.Ticks {
		if r.Ticks[i].Tick == te.Tick {
			row = &r.Ticks[i]
		}
	}
	add := func(name string, w, g any) {
		want = append(want, fmt.Sprintf("%s %v", name, w))
		if g != w {
			got = append(got, fmt.Sprintf("%s %v", name, g))
		}
	}
	var zero reports.Tick
	if row == nil {
		row = &zero
	}
	if te.Phase != "" {
		add("phase", string(te.Phase), row.Phase)
	}
	addInt := func(name string, w *int, g int) {
		if w != nil {
			add(name, *w, g)
		}
	}
	addInt("canary weight", te.CanaryWeight, row.CanaryWeight)
	addInt("primary weight", te.PrimaryWeight, row.PrimaryWeight)
	addInt("failed checks", te.FailedChecks, row.FailedChecks)
	addInt("iterations", te.Iterations, row.Iterations)
	desc := fmt.Sprintf("tick %d: %s", te.Tick, strings.Join(want, ", "))
	if row == &zero {
		return check(desc, false, fmt.Sprintf("the run ended after %d ticks", len(r.Ticks)))
	}
	return check(desc, len(got) == 0, "got "+strings.Join(got, ", "))
}
