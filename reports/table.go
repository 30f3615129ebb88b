// This file writes the short table a terminal shows after a rehearsal: one
// line per run, the problems, then the verdict.

package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// maxProblemWidth keeps a failure's line under the table short enough for a
// terminal; the full text is in summary.md.
const maxProblemWidth = 100

// WriteTable writes a short aligned plain-text table for the terminal, one
// line per run sorted by scenario, then one line per run that did not pass,
// then the verdict.
func WriteTable(w io.Writer, runs []*Run) error {
	sorted, err := sortedRuns(runs)
	if err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tCANARY\tPROVIDER\tOUTCOME\tDECIDED AT\tMAX WEIGHT\tRESULT")
	for _, r := range sorted {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", text.Cell(r.Scenario), text.Cell(r.Canary), text.Cell(r.Provider),
			text.Cell(decision(r)), strings.ReplaceAll(formatDecidedAt(r), "—", "-"), r.MaxWeight, strings.ToUpper(resultWord(r)))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	writeTableProblems(&b, sorted)
	b.WriteString(tableVerdict(sorted) + "\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

func writeTableProblems(b *bytes.Buffer, runs []*Run) {
	for _, r := range runs {
		switch resultWord(r) {
		case "passed":
		case "skipped":
			fmt.Fprintf(b, "%s: %s\n", text.OneLine(r.Scenario), text.Truncate(skippedSentence(r, plain), maxProblemWidth))
		default:
			fmt.Fprintf(b, "%s: %s\n", text.OneLine(r.Scenario), text.Truncate(problemSentence(r, plain), maxProblemWidth))
		}
	}
}

func tableVerdict(runs []*Run) string {
	t := tally(runs)
	text := fmt.Sprintf("%d passed, %d failed%s", t.passed, t.failed, t.skippedText())
	if t.errored > 0 {
		text += fmt.Sprintf(" (%d could not complete)", t.errored)
	}
	return text
}
