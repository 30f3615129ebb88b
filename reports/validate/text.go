// This file writes, for a terminal, what the run table leaves out: each
// failure with the Canary's file and line, the skipped policies, the
// findings and the notes.

package validatereport

import (
	"bytes"
	"fmt"
	"io"
)

// WriteText writes, for a terminal, what the run table leaves out: each
// failure in full with the Canary's file and line, then the skipped
// policies, the findings and the notes.
func WriteText(w io.Writer, v Validation) error {
	var b bytes.Buffer
	for _, r := range v.Failed() {
		fmt.Fprintf(&b, "FAILED %s: %s\n", r.place(), oneLine(r.Problem))
	}
	for _, r := range v.NotRehearsed() {
		fmt.Fprintf(&b, "not rehearsable %s %s: %s\n", r.Canary, r.Title(), oneLine(r.Run.NotRehearsable))
	}
	for _, s := range v.Skipped {
		fmt.Fprintf(&b, "skipped %s %s: %s\n", s.Canary, s.Policy, s.Reason)
	}
	for _, f := range v.Findings {
		fmt.Fprintf(&b, "warning %s:%d: %s: %s\n", f.File, f.Line, f.Canary, oneLine(f.Message))
	}
	for _, n := range v.Notes {
		fmt.Fprintf(&b, "note %s: %s\n", n.Canary, oneLine(n.Text))
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write the validation details: %w", err)
	}
	return nil
}

// place is file:line for a policy's Canary, the file for a scenario.
func (r Result) place() string {
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d", r.File, r.Line)
	}
	return r.File
}
