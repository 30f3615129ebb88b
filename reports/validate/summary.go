// This file writes validate's Markdown summary: the verdict, one table row
// per Canary and policy (skipped ones too) and per user scenario, then the
// failures in full, the findings and the notes.

package validatereport

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// row is one line of the summary table: a result or a skipped policy.
type row struct {
	canary, check   string
	required        string
	outcome, at     string
	result, mark    string
	origin          string // file:line of the Canary, for failures
	problem         string
	sortKey, policy int
}

// rows lists every Canary's policies in policy order, Canaries sorted,
// then the user's scenarios by name.
func rows(v Validation) []row {
	var out []row
	for _, r := range v.Results {
		out = append(out, resultRow(r, v.Policies))
	}
	for _, s := range v.Skipped {
		out = append(out, row{canary: s.Canary, check: s.Policy, required: "—", outcome: "skipped: " + s.Reason,
			at: "—", result: "skipped", mark: "⏭️ skipped", policy: slices.Index(v.Policies, s.Policy)})
	}
	slices.SortStableFunc(out, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.sortKey, b.sortKey), cmp.Compare(a.canary, b.canary),
			cmp.Compare(a.policy, b.policy), cmp.Compare(a.check, b.check))
	})
	return out
}

func resultRow(r Result, policies []string) row {
	run := r.Run
	x := row{canary: run.Canary, check: r.Title(), outcome: outcomeText(run.Decision, run.Outcome), at: "—",
		result: "passed", mark: "✅ passed"}
	if run.DecidedAt != nil {
		x.at = time.Duration(*run.DecidedAt * float64(time.Second)).String()
	}
	switch {
	case !r.Passed():
		x.result, x.mark, x.problem = "failed", "❌ failed", r.Problem
	case r.NotRehearsable():
		x.result, x.mark, x.outcome = reports.NotRehearsable, "⏭️ "+reports.NotRehearsable, reports.NotRehearsable+": "+run.NotRehearsable
	}
	if r.Policy == "" {
		x.sortKey, x.required = 1, "the scenario's expectations"
		return x
	}
	x.policy = slices.Index(policies, r.Policy)
	x.required = r.Required
	x.origin = fmt.Sprintf("%s:%d", r.File, r.Line)
	return x
}

func outcomeText(decision, phase string) string {
	if phase == "" {
		return decision
	}
	return fmt.Sprintf("%s (%s)", decision, phase)
}

// WriteSummary writes the Markdown summary of a validation, fit for a
// pull-request comment or a CI step summary: the verdict first, then one
// table row per Canary and policy (skipped ones too) and per user
// scenario, then the failures in full, the findings and the notes.
func WriteSummary(w io.Writer, v Validation) error {
	all := rows(v)
	var b bytes.Buffer
	b.WriteString("# Canary policy validation\n\n")
	b.WriteString(verdict(v.Results) + "\n")
	writeTable(&b, all)
	writeFailures(&b, all)
	writeFindings(&b, v.Findings)
	writeNotes(&b, v.Notes)
	b.WriteString("\nEach run's full report is in the output folder, under the run's name (`<canary>-<policy>/report.md`).\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write the validation summary: %w", err)
	}
	return nil
}

// verdict is the summary's first line. Checks that are not rehearsable
// are counted apart: they neither pass nor fail.
func verdict(results []Result) string {
	var failed []string
	skipped := 0
	for _, r := range results {
		switch {
		case !r.Passed():
			failed = append(failed, r.name())
		case r.NotRehearsable():
			skipped++
		}
	}
	apart := ""
	if skipped > 0 {
		apart = fmt.Sprintf(" (%d not rehearsable)", skipped)
	}
	switch {
	case len(results) == 0:
		return "⚠️ **Nothing was rehearsed.**"
	case len(failed) == 0 && skipped == 0:
		return fmt.Sprintf("✅ **All %s passed.**", text.Plural(len(results), "check"))
	case len(failed) == 0:
		return fmt.Sprintf("✅ **No check failed**: %d passed%s.", len(results)-skipped, apart)
	}
	return fmt.Sprintf("❌ **%d of %s failed**%s: %s.", len(failed), text.Plural(len(results), "check"), apart, strings.Join(failed, ", "))
}

// name is "canary policy" for a rehearsal, "scenario name" for a user's.
func (r Result) name() string {
	if r.Policy == "" {
		return "scenario " + r.Run.Scenario
	}
	return r.Canary + " " + r.Policy
}

func writeTable(b *bytes.Buffer, all []row) {
	if len(all) == 0 {
		return
	}
	b.WriteString("\n| canary | check | required | outcome | decided at | result |\n|---|---|---|---|---:|---|\n")
	for _, x := range all {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", cell(orDash(x.canary)), cell(x.check), cell(x.required),
			cell(x.outcome), x.at, x.mark)
	}
}

func writeFailures(b *bytes.Buffer, all []row) {
	var failed []row
	for _, x := range all {
		if x.result == "failed" {
			failed = append(failed, x)
		}
	}
	if len(failed) == 0 {
		return
	}
	b.WriteString("\n## Failures\n\n")
	for _, x := range failed {
		where := ""
		if x.origin != "" {
			where = fmt.Sprintf(" (`%s`)", x.origin)
		}
		fmt.Fprintf(b, "- **%s · %s**%s: %s\n", cell(orDash(x.canary)), cell(x.check), where, oneLine(x.problem))
	}
}

func writeFindings(b *bytes.Buffer, findings []Finding) {
	if len(findings) == 0 {
		return
	}
	b.WriteString("\n## Findings\n\n")
	for _, f := range findings {
		fmt.Fprintf(b, "- ⚠️ **%s** (`%s:%d`): %s\n", f.Canary, f.File, f.Line, oneLine(f.Message))
	}
}

func writeNotes(b *bytes.Buffer, notes []Note) {
	if len(notes) == 0 {
		return
	}
	b.WriteString("\n## Notes\n\n")
	for _, n := range notes {
		fmt.Fprintf(b, "- **%s**: %s\n", n.Canary, oneLine(n.Text))
	}
}

// cell keeps text from breaking a Markdown table row.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
