package reports

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./reports -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./reports -update if the change is intended):\n%s",
			name, firstDifference(string(want), string(got)))
	}
}

// firstDifference shows the first line where two documents part.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		wl, gl := lineAt(w, i), lineAt(g, i)
		if wl != gl {
			return "line " + itoa(i+1) + ":\nwant: " + wl + "\ngot:  " + gl
		}
	}
	return "(same lines, different bytes)"
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<end of document>"
}

func itoa(i int) string { return formatValue(float64(i)) }

// renderString runs a writer into a buffer, failing the test on error.
func renderBytes(t *testing.T, write func(io.Writer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatalf("render: %v", err)
	}
	return b.Bytes()
}

// timedRuns are allRuns with fixed wall times, as the runner measures
// them: JUnit must show them, and no other report may change with them.
func timedRuns() []*Run {
	runs := allRuns()
	for i, r := range runs {
		r.Wall = time.Duration(i+1)*250*time.Millisecond + 1234*time.Microsecond
	}
	return runs
}

func TestGoldenRunReports(t *testing.T) {
	for _, r := range timedRuns() {
		t.Run(r.Scenario, func(t *testing.T) {
			golden(t, r.Scenario+".json", renderBytes(t, func(w io.Writer) error { return WriteJSON(w, r) }))
			golden(t, r.Scenario+".md", renderBytes(t, func(w io.Writer) error { return WriteMarkdown(w, r) }))
		})
	}
}

func TestGoldenRunSetReports(t *testing.T) {
	runs := timedRuns()
	tests := []struct {
		file  string
		write func(io.Writer, []*Run) error
	}{
		{"junit.xml", WriteJUnit},
		{"summary.md", WriteSummary},
		{"table.txt", WriteTable},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			golden(t, tc.file, renderBytes(t, func(w io.Writer) error { return tc.write(w, runs) }))
		})
	}
}
