// This file fuzzes Parse: whatever the bytes, no panic, the same answer twice, and errors that name
// the file and one of its lines.

package manifest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: whatever the bytes, Parse returns a set or errors that name
// the file and, when they give a line, one of its lines; it never panics
// and gives the same answer twice (errors come out sorted, not in map order).
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/*.yaml", "../../fixtures/podinfo/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	const file = "fuzz.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := Parse(file, data)
		if err == nil && set == nil {
			t.Fatal("no error and no set")
		}
		checkErrors(t, file, data, err)
		if _, again := Parse(file, data); errString(err) != errString(again) {
			t.Fatalf("two parses disagree:\n%v\n---\n%v", err, again)
		}
	})
}

func checkErrors(t *testing.T, file string, data []byte, err error) {
	t.Helper()
	var list Errors
	switch e := err.(type) {
	case nil:
		return
	case *Error:
		list = Errors{e}
	case Errors:
		list = e
	default:
		t.Fatalf("error of type %T, not *Error or Errors: %v", err, err)
	}
	lines := countLines(data)
	for _, e := range list {
		text := e.Error()
		switch {
		case e.File != file:
			t.Fatalf("error names %q, not the file parsed: %s", e.File, text)
		case e.Line < 0 || e.Line > lines:
			t.Fatalf("line %d is outside the file's %d lines: %s", e.Line, lines, text)
		case e.Msg == "" && e.Err == nil:
			t.Fatalf("error says nothing: %s", text)
		case strings.Contains(text, "goroutine ") || strings.Contains(text, "panic"):
			t.Fatalf("a stack trace in an error: %s", text)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// countLines counts lines as YAML does: LF, CRLF and a lone CR each end one.
func countLines(data []byte) int {
	return bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n")) + 1
}
