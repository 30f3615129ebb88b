// This file writes summary.md for a whole rehearsal: the verdict, one row
// per scenario linking to its report, and what went wrong in each run that
// did not pass.

package reports

import (
	"bytes"
	"fmt"
	"io"

	"github.com/rehearse-dev/rehearse/reports/internal/output"
	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// WriteSummary writes summary.md for a whole rehearsal: the verdict first,
// then one table row per scenario (sorted by name), then what went wrong in
// each run that did not pass. Scenario names link to DIR/<scenario>/report.md,
// where WriteAll puts each run's report.
func WriteSummary(w io.Writer, runs []*Run) error {
	sorted, err := sortedRuns(runs)
	if err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("# Rehearsal summary\n\n")
	fmt.Fprintf(&b, "%s\n", summaryVerdict(sorted))
	writeSummaryTable(&b, sorted)
	writeSummaryFailures(&b, sorted)
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// summaryVerdict is the first line of the summary: how many runs passed.
func summaryVerdict(runs []*Run) string {
	t := tally(runs)
	if len(runs) == 0 {
		return "⚠️ No scenario was run."
	}
	mark := "✅"
	if t.failed > 0 {
		mark = "❌"
	}
	verdict := fmt.Sprintf("%s **%d passed, %d failed%s** of %s", mark, t.passed, t.failed, t.skippedText(), text.Plural(len(runs), "scenario"))
	if t.errored > 0 {
		verdict += fmt.Sprintf(" (%d could not complete)", t.errored)
	}
	return verdict + "."
}

func writeSummaryTable(b *bytes.Buffer, runs []*Run) {
	if len(runs) == 0 {
		return
	}
	b.WriteString("\n| scenario | outcome | decided at | max weight | result |\n|---|---|---:|---:|---|\n")
	for _, r := range runs {
		fmt.Fprintf(b, "| %s | %s | %s | %d | %s |\n",
			reportLink(r), outcomeCell(r), formatDecidedAt(r), r.MaxWeight, resultCell(r))
	}
}

// reportLink links a scenario to its report when its name is a safe folder
// name, the only case in which WriteAll writes one.
func reportLink(r *Run) string {
	if output.CheckScenarioName(r.Scenario) != nil {
		return text.MdInline(r.Scenario)
	}
	return fmt.Sprintf("[%s](%s/report.md)", r.Scenario, r.Scenario)
}

// outcomeCell is the decision and the final phase: "rolled back (Failed)".
func outcomeCell(r *Run) string {
	if r.Outcome == "" {
		return text.MdInline(decision(r))
	}
	return fmt.Sprintf("%s (%s)", text.MdInline(decision(r)), text.MdInline(r.Outcome))
}

func resultCell(r *Run) string {
	switch resultWord(r) {
	case "passed":
		return "✅ passed"
	case "error":
		return "❌ error"
	case "skipped":
		return skippedMark + "skipped"
	case NotRehearsable:
		return skippedMark + NotRehearsable
	}
	return "❌ failed"
}

func writeSummaryFailures(b *bytes.Buffer, runs []*Run) {
	if tally(runs).failed == 0 {
		return
	}
	b.WriteString("\n## Failures\n")
	for _, r := range runs {
		if Failed(r) {
			writeSummaryFailure(b, r)
		}
	}
}

// writeSummaryFailure says what went wrong in one run: its error or its
// failed expectations as an unticked checklist, then what the engine did.
func writeSummaryFailure(b *bytes.Buffer, r *Run) {
	fmt.Fprintf(b, "\n### %s\n\n", reportLink(r))
	failed := failedExpectations(r)
	if r.Error != "" || len(failed) == 0 {
		fmt.Fprintf(b, "%s\n\n", text.Capitalized(problemSentence(r, markdown)))
	}
	for _, e := range failed {
		fmt.Fprintf(b, "- [ ] %s\n", expectationText(e, markdown))
	}
	if len(failed) > 0 {
		b.WriteString("\n")
	}
	if hasOutcome(r) {
		fmt.Fprintf(b, "%s\n", outcomeSentence(r, markdown))
	}
}
