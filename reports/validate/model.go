// This file holds what a validation found, as its writers read it: each
// check's result with the Canary's place, the policies skipped, the
// findings and the notes. sim/policy builds it from its plan.

package validatereport

import "github.com/rehearse-dev/rehearse/reports"

// Validation is one validate run: every check's result, the policies
// skipped, the findings about Canaries as a whole and the Canaries' notes.
type Validation struct {
	Results  []Result
	Skipped  []Skip
	Findings []Finding
	Notes    []Note
	// Policies are the built-in policies in the order they are rehearsed,
	// which orders each Canary's rows in the summary.
	Policies []string
}

// Result is one finished check: a policy rehearsal, or a user's own
// scenario (Policy "").
type Result struct {
	Run *reports.Run
	// Policy is the built-in policy rehearsed, "" for a user's scenario.
	Policy string
	// Canary is the rehearsed Canary (namespace/name, after its build's
	// name when a build rendered it); "" for a user's scenario.
	Canary string
	// File and Line place the Canary; a user's scenario has its file and
	// no line.
	File string
	Line int
	// Required is what the policy required ("promoted within 10m0s"); ""
	// for a user's scenario.
	Required string
	// Problem says, in one line, what went wrong; "" when the check passed.
	Problem string
}

// Skip is a policy not rehearsed for a Canary, and why.
type Skip struct {
	Policy, Canary, Reason string
}

// Finding is a warning about a Canary as a whole, at its file and line.
type Finding struct {
	Canary  string
	File    string
	Line    int
	Message string
}

// Note is something a Canary's rehearsals assumed or could not rehearse,
// said once per Canary, at its file and line.
type Note struct {
	Canary, Text string
	File         string
	Line         int
}

// Failed are the results that did not pass, in order.
func (v Validation) Failed() []Result {
	var out []Result
	for _, r := range v.Results {
		if !r.Passed() {
			out = append(out, r)
		}
	}
	return out
}

// NotRehearsed are the results that passed only because they could not be
// rehearsed, in order: they neither pass nor fail.
func (v Validation) NotRehearsed() []Result {
	var out []Result
	for _, r := range v.Results {
		if r.Passed() && r.NotRehearsable() {
			out = append(out, r)
		}
	}
	return out
}

// Passed is true unless the run failed: its expectations did not hold or
// it could not run. A run that is not rehearsable does not fail.
func (r Result) Passed() bool { return !reports.Failed(r.Run) }

// NotRehearsable is true when the run could not tell what Flagger would do.
func (r Result) NotRehearsable() bool { return r.Run.NotRehearsable != "" }

// Title names the check: the policy, or the user's scenario.
func (r Result) Title() string {
	if r.Policy != "" {
		return r.Policy
	}
	return r.Run.Scenario
}
