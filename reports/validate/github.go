// This file writes GitHub Actions workflow commands: an error per failed
// check at its Canary's file and line, a warning per finding, a notice per
// note, escaped as the runner reads them.

package validatereport

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// WriteGitHub writes GitHub Actions workflow commands: an error for every
// run that failed, at the Canary's file and line (a user scenario's file),
// a warning for every finding and a notice for every note.
func WriteGitHub(w io.Writer, v Validation) error {
	var b bytes.Buffer
	for _, r := range v.Failed() {
		writeCommand(&b, "error", r.File, r.Line, r.Title(), r.Problem)
	}
	for _, r := range v.NotRehearsed() {
		writeCommand(&b, "warning", r.File, r.Line, r.Title()+" not rehearsable", r.Run.NotRehearsable)
	}
	for _, f := range v.Findings {
		writeCommand(&b, "warning", f.File, f.Line, "rehearse "+f.Canary, f.Message)
	}
	for _, n := range v.Notes {
		writeCommand(&b, "notice", n.File, n.Line, "rehearse "+n.Canary, n.Text)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write GitHub annotations: %w", err)
	}
	return nil
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
