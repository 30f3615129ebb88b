package policy

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// WriteGitHub writes GitHub Actions workflow commands: an error for every
// run that failed, at the Canary's file and line (a user scenario's file),
// a warning for every finding and a notice for every note.
func WriteGitHub(w io.Writer, results []Result, plan *Plan) error {
	var b bytes.Buffer
	for _, r := range results {
		if !r.Passed() {
			writeCommand(&b, "error", r.file(), r.line(), r.Title(), r.Problem())
		}
	}
	for _, r := range results {
		if r.Passed() && r.NotRehearsable() {
			writeCommand(&b, "warning", r.file(), r.line(), r.Title()+" not rehearsable", r.Run.NotRehearsable)
		}
	}
	for _, f := range plan.Findings {
		writeCommand(&b, "warning", f.Origin.File, f.Origin.Line, "rehearse "+f.Canary, f.Message)
	}
	for _, n := range canaryNotes(plan) {
		writeCommand(&b, "notice", n.origin.File, n.origin.Line, "rehearse "+n.canary, n.text)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write GitHub annotations: %w", err)
	}
	return nil
}

func (r Result) file() string {
	if r.Rehearsal != nil {
		return r.Rehearsal.Origin.File
	}
	return r.Run.File
}

func (r Result) line() int {
	if r.Rehearsal != nil {
		return r.Rehearsal.Origin.Line
	}
	return 0
}

// writeCommand writes one ::level file=F,line=L,title=T::message line,
// escaped as the Actions runner reads it.
func writeCommand(b *bytes.Buffer, level, file string, line int, title, msg string) {
	var props []string
	if file != "" {
		props = append(props, "file="+escapeProperty(file))
	}
	if line > 0 {
		props = append(props, fmt.Sprintf("line=%d", line))
	}
	props = append(props, "title="+escapeProperty(title))
	fmt.Fprintf(b, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(msg))
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
