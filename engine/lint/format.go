// This file writes findings as text, GitHub workflow annotations (escaped as GitHub needs) or JSON,
// and prints the rule list for --rules.

package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Formats lists the output formats Write knows.
var Formats = []string{"text", "github", "json"}

// Write prints findings in one of Formats: text ("file:line: RH003 error:
// message"), github (GitHub Actions workflow annotations) or json (an
// array, empty rather than null).
func Write(w io.Writer, format string, findings []Finding) error {
	switch format {
	case "text":
		return writeLines(w, findings, textLine)
	case "github":
		return writeLines(w, findings, githubLine)
	case "json":
		return writeJSON(w, findings)
	}
	return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
}

// KnownFormat is true for a format Write accepts.
func KnownFormat(format string) bool { return slices.Contains(Formats, format) }

func writeLines(w io.Writer, findings []Finding, line func(Finding) string) error {
	var b strings.Builder
	for _, f := range findings {
		b.WriteString(line(f))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// textLine keeps each finding on one line, so grep and editors' "file:line"
// jumps work on the output.
func textLine(f Finding) string {
	return fmt.Sprintf("%s: %s %s: %s", location(f), f.Rule, f.Severity, oneLine.Replace(f.Message))
}

var oneLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func location(f Finding) string {
	if f.Line <= 0 {
		return f.File
	}
	return fmt.Sprintf("%s:%d", f.File, f.Line)
}

// githubLine is a workflow command: "::error file=F,line=L,title=T::message".
func githubLine(f Finding) string {
	level := "error"
	if f.Severity != SeverityError {
		level = "warning"
	}
	props := "file=" + escapeProperty(f.File)
	if f.Line > 0 {
		props += fmt.Sprintf(",line=%d", f.Line)
	}
	props += ",title=" + escapeProperty(f.Rule)
	return fmt.Sprintf("::%s %s::%s", level, props, escapeData(f.Message))
}

// GitHub's workflow commands end at a newline and split properties at ","
// and ":", so those are percent-encoded (and "%" itself first).
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

func writeJSON(w io.Writer, findings []Finding) error {
	if findings == nil {
		findings = []Finding{}
	}
	js, err := json.MarshalIndent(findings, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(js, '\n'))
	return err
}

// WriteRules prints the rule list, one rule a line.
func WriteRules(w io.Writer) error {
	var b strings.Builder
	for _, r := range Rules() {
		fmt.Fprintf(&b, "%s  %-7s  %s", r.ID, r.Severity, r.Summary)
		if r.Loader {
			b.WriteString(" [found by the manifest loader]")
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
