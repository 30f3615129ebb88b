package policy

import (
	"bytes"
	"fmt"
	"io"
)

// WriteText writes, for a terminal, what the run table leaves out: each
// failure in full with the Canary's file and line, then the skipped
// policies, the findings and the notes.
func WriteText(w io.Writer, results []Result, plan *Plan) error {
	var b bytes.Buffer
	for _, r := range results {
		if !r.Passed() {
			fmt.Fprintf(&b, "FAILED %s: %s\n", r.place(), oneLine(r.Problem()))
		}
	}
	for _, r := range results {
		if r.Passed() && r.NotRehearsable() {
			fmt.Fprintf(&b, "not rehearsable %s %s: %s\n", r.Rehearsal.Canary, r.Title(), oneLine(r.Run.NotRehearsable))
		}
	}
	for _, s := range plan.Skipped {
		fmt.Fprintf(&b, "skipped %s %s: %s\n", s.Canary, s.Policy, s.Reason)
	}
	for _, f := range plan.Findings {
		fmt.Fprintf(&b, "warning %s:%d: %s: %s\n", f.Origin.File, f.Origin.Line, f.Canary, oneLine(f.Message))
	}
	for _, n := range canaryNotes(plan) {
		fmt.Fprintf(&b, "note %s: %s\n", n.canary, oneLine(n.text))
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write the validation details: %w", err)
	}
	return nil
}

// place is file:line for a policy's Canary, the file for a scenario.
func (r Result) place() string {
	if r.line() > 0 {
		return fmt.Sprintf("%s:%d", r.file(), r.line())
	}
	return r.file()
}
