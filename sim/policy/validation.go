// This file turns a plan and its finished runs into the validation its
// writers read (reports/validate): each result with its Canary's place,
// what the policy required and, when it failed, what went wrong; the
// skipped policies, the findings and each Canary's notes once.

package policy

import (
	"fmt"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/reports"
	validatereport "github.com/rehearse-dev/rehearse/reports/validate"
)

// Validation is what the plan's results say, for the writers. Call it
// once the runs are attached and labelled.
func (p *Plan) Validation(results []Result) validatereport.Validation {
	v := validatereport.Validation{Policies: Names, Notes: p.notes()}
	for _, r := range results {
		v.Results = append(v.Results, r.report())
	}
	for _, s := range p.Skipped {
		v.Skipped = append(v.Skipped, validatereport.Skip{Policy: s.Policy, Canary: s.Canary, Reason: s.Reason})
	}
	for _, f := range p.Findings {
		v.Findings = append(v.Findings, validatereport.Finding{Canary: f.Canary, File: f.Origin.File, Line: f.Origin.Line, Message: f.Message})
	}
	return v
}

// report is the result as the writers read it.
func (r Result) report() validatereport.Result {
	out := validatereport.Result{Run: r.Run, File: r.Run.File}
	if reh := r.Rehearsal; reh != nil {
		e := reh.Scenario.Expect
		out.Policy, out.Canary, out.File, out.Line = reh.Policy, reh.Canary, reh.Origin.File, reh.Origin.Line
		out.Required = fmt.Sprintf("%s within %s", decisionOf(e.Outcome), e.Within)
	}
	if reports.Failed(r.Run) {
		out.Problem = r.Problem()
	}
	return out
}

func decisionOf(outcome v1beta1.CanaryPhase) string {
	if outcome == v1beta1.CanaryPhaseSucceeded {
		return "promoted"
	}
	return "rolled back"
}

// notes lists each Canary's notes once, though every rehearsal of the
// Canary carries them.
func (p *Plan) notes() []validatereport.Note {
	var out []validatereport.Note
	seen := map[string]bool{}
	for _, r := range p.Rehearsals {
		for _, n := range r.Notes {
			if key := r.Canary + "\x00" + n; !seen[key] {
				seen[key] = true
				out = append(out, validatereport.Note{Canary: r.Canary, Text: n, File: r.Origin.File, Line: r.Origin.Line})
			}
		}
	}
	return out
}
