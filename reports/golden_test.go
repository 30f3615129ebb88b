// This file checks every run report and the reports of a whole set (JUnit,
// summary, table) against golden files.

package reports

import (
	"io"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/reports/internal/golden"
)

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
			golden.Check(t, r.Scenario+".json", golden.Render(t, func(w io.Writer) error { return WriteJSON(w, r) }))
			golden.Check(t, r.Scenario+".md", golden.Render(t, func(w io.Writer) error { return WriteMarkdown(w, r) }))
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
			golden.Check(t, tc.file, golden.Render(t, func(w io.Writer) error { return tc.write(w, runs) }))
		})
	}
}
