// This file pairs finished runs with their rehearsals and words a failed
// policy: what it required, what happened instead and what to change.

package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/reports"
)

// Result is one finished run: a policy rehearsal, or a user's own scenario
// (Rehearsal nil).
type Result struct {
	Rehearsal *Rehearsal
	Run       *reports.Run
}

// Attach pairs each run with the rehearsal of the same scenario name and
// puts the rehearsal's notes at the top of the run's, so every report
// says what the rehearsal assumed. The rehearsals that are not rehearsable
// get a run of their own, with no tick, that says why. Call it once,
// before writing reports.
func (p *Plan) Attach(runs []*reports.Run) []Result {
	byName := map[string]*Rehearsal{}
	for _, r := range p.Rehearsals {
		byName[r.Scenario.Name] = r
	}
	for _, r := range p.NotRehearsable() {
		runs = append(slices.Clip(runs), r.notRehearsedRun())
	}
	out := make([]Result, len(runs))
	for i, run := range runs {
		r := byName[run.Scenario]
		if r != nil && len(r.Notes) > 0 {
			run.Notes = append(slices.Clone(r.Notes), run.Notes...)
		}
		out[i] = Result{Rehearsal: r, Run: run}
	}
	return out
}

// SkippedRuns are the skipped policies as runs that were not rehearsed, so
// the run reports (JUnit's <skipped> among them) list them beside the
// rehearsals, each with its reason.
func (p *Plan) SkippedRuns() []*reports.Run {
	out := make([]*reports.Run, len(p.Skipped))
	for i, s := range p.Skipped {
		out[i] = &reports.Run{Scenario: s.Scenario, File: s.Origin.File, Canary: s.Canary,
			Decision: "not rehearsed", Passed: true, Skipped: s.Reason}
	}
	return out
}

// notRehearsedRun is the report of a rehearsal that is not run.
func (r *Rehearsal) notRehearsedRun() *reports.Run {
	sc := r.Scenario
	return &reports.Run{Scenario: sc.Name, Description: sc.Description, File: sc.File, Canary: r.Canary,
		Provider: r.provider.Name, ProviderSource: r.provider.Source, Strategy: sc.Canary.StrategyUnder(r.provider.Name),
		Interval: sc.Canary.GetAnalysisInterval().Seconds(), Decision: "not rehearsed", NotRehearsable: r.NotRehearsable}
}

// Problem says, in one line, what went wrong in a run that did not pass.
func (r Result) Problem() string {
	if r.Rehearsal == nil {
		return scenarioProblem(r.Run)
	}
	return r.policyProblem()
}

func scenarioProblem(run *reports.Run) string {
	if run.Error != "" {
		return fmt.Sprintf("scenario %s could not run: %s", run.Scenario, run.Error)
	}
	var failed []string
	for _, e := range run.Expectations {
		if !e.Passed {
			failed = append(failed, strings.TrimSpace(e.Description+": "+e.Detail))
		}
	}
	return fmt.Sprintf("scenario %s: %s", run.Scenario, strings.Join(failed, "; "))
}

// policyProblem: what the policy required, what happened, and what to do.
func (r Result) policyProblem() string {
	reh := r.Rehearsal
	e := reh.Scenario.Expect
	want := fmt.Sprintf("%s: %s must %s %s within %s", reh.Policy, reh.Canary, verbFor(e.Outcome), reh.Release, e.Within)
	return fmt.Sprintf("%s, but %s. %s", want, r.happened(), r.hint())
}

func verbFor(outcome v1beta1.CanaryPhase) string {
	if outcome == v1beta1.CanaryPhaseSucceeded {
		return "promote"
	}
	return "roll back"
}

// happened says what the rollout did instead.
func (r Result) happened() string {
	run := r.Run
	var s string
	switch {
	case run.Error != "":
		return "the rehearsal could not run: " + run.Error
	case run.DecidedAt != nil:
		s = fmt.Sprintf("it was %s after %s", run.Decision, seconds(*run.DecidedAt))
	default:
		s = fmt.Sprintf("there was no decision after %s (%s, %d of %d failed checks)",
			r.Rehearsal.Scenario.Limits.MaxDuration, orNone(run.Outcome), lastFailedChecks(run), r.threshold())
	}
	if w := r.Rehearsal.Scenario.Expect.MaxWeight; w != nil && run.MaxWeight > *w {
		s += fmt.Sprintf(", with %d%% of the traffic sent to it", run.MaxWeight)
	}
	if first := firstFailure(run); first != "" {
		s += "; first failed check: " + first
	}
	return s
}

// hint says what to change, from what the rehearsal saw.
func (r Result) hint() string {
	e := r.Rehearsal.Scenario.Expect
	switch {
	case r.Run.Error != "":
		return "See the run's report."
	case e.Outcome == v1beta1.CanaryPhaseSucceeded:
		return fmt.Sprintf("See %s/report.md for the checks that failed, or set %s%s if this Canary is meant to refuse such a release.",
			r.Run.Scenario, AnnotationExpectPrefix, r.Rehearsal.Policy)
	case maxFailedChecks(r.Run) == 0 && r.Run.Decision != "rolled back":
		return r.quietHint()
	}
	return r.rollbackHint()
}

// quietHint: no check failed. It blames the Canary for having no check
// only when it has none that could catch the release.
func (r Result) quietHint() string {
	if c := r.Rehearsal.Catchers; len(c) > 0 {
		return fmt.Sprintf("No check failed, though %s could catch it: tighten %s, or add a metric or webhook that catches it.",
			strings.Join(c, ", "), pronoun(len(c)))
	}
	return "No check failed: add or tighten a metric or webhook that catches it."
}

func pronoun(n int) string {
	if n == 1 {
		return "its threshold"
	}
	return "their thresholds"
}

func (r Result) rollbackHint() string {
	interval := r.Rehearsal.Scenario.Canary.GetAnalysisInterval()
	return fmt.Sprintf("Flagger rolls back after analysis.threshold (%d) failed checks, one per analysis.interval (%s) from the first: lower either, or allow more time with --max-rollback-time or the %s annotation.",
		r.threshold(), interval, AnnotationMaxRollbackTime)
}

func (r Result) threshold() int { return r.Rehearsal.Scenario.Canary.GetAnalysisThreshold() }

// firstFailure is the engine's reason on the first tick a check failed.
func firstFailure(run *reports.Run) string {
	prev := 0
	for _, t := range run.Ticks {
		if t.FailedChecks > prev {
			return fmt.Sprintf("tick %d (%s): %s", t.Tick, seconds(t.T), t.Reason)
		}
		prev = t.FailedChecks
	}
	return ""
}

func lastFailedChecks(run *reports.Run) int {
	if n := len(run.Ticks); n > 0 {
		return run.Ticks[n-1].FailedChecks
	}
	return 0
}

func maxFailedChecks(run *reports.Run) int {
	m := 0
	for _, t := range run.Ticks {
		m = max(m, t.FailedChecks)
	}
	return m
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func orNone(phase string) string {
	if phase == "" {
		return "no phase"
	}
	return phase
}
