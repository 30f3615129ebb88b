// This file writes a run's Markdown report: the verdict, the facts that make
// the run reproducible, the expectations, the timeline, why the engine
// decided and the notes.

package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// WriteMarkdown writes the report a reviewer reads in a pull request: the
// verdict, the expectations, the timeline, why the engine decided as it did,
// and notes.
func WriteMarkdown(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write Markdown report: no run given")
	}
	var b bytes.Buffer
	writeMarkdownHeader(&b, r)
	writeExpectations(&b, r)
	writeTimeline(&b, r)
	writeAlerts(&b, r)
	writeWhy(&b, r)
	writeNotes(&b, r)
	// Every section ends with a blank line; the document ends with one newline.
	out := append(bytes.TrimRight(b.Bytes(), "\n"), '\n')
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("write Markdown report for scenario %q: %w", r.Scenario, err)
	}
	return nil
}

func writeMarkdownHeader(b *bytes.Buffer, r *Run) {
	fmt.Fprintf(b, "# Rehearsal: %s\n\n", text.MdInline(r.Scenario))
	fmt.Fprintf(b, "%s\n\n", verdictSentence(r, markdown, "✅ ", "❌ "))
	if !r.Passed || r.Error != "" {
		if hasOutcome(r) {
			fmt.Fprintf(b, "%s\n\n", outcomeSentence(r, markdown))
		}
	}
	if d := text.MdInline(r.Description); d != "" {
		fmt.Fprintf(b, "> %s\n\n", d)
	}
	fmt.Fprintf(b, "%s\n\n", strings.Join(runFacts(r), " · "))
}

// runFacts are the settings that make a run reproducible, skipping empty ones.
func runFacts(r *Run) []string {
	var facts []string
	add := func(label, value string) {
		if value != "" {
			facts = append(facts, label+" "+value)
		}
	}
	add("canary", text.MdCode(r.Canary))
	add("provider", text.MdInline(ProviderText(r)))
	add("strategy", text.MdInline(r.Strategy))
	add("cluster", text.MdInline(r.Cluster))
	add("seed", fmt.Sprint(r.Seed))
	if r.Interval > 0 {
		add("analysis interval", text.Duration(r.Interval))
	}
	add("max canary weight", fmt.Sprint(r.MaxWeight))
	if r.File != "" {
		add("scenario file", text.MdCode(r.File))
	}
	return facts
}

func writeExpectations(b *bytes.Buffer, r *Run) {
	b.WriteString("## Expectations\n\n")
	if len(r.Expectations) == 0 {
		b.WriteString("The scenario sets no expectations.\n\n")
		return
	}
	for _, e := range r.Expectations {
		box := "[ ]"
		if e.Passed {
			box = "[x]"
		}
		fmt.Fprintf(b, "- %s %s\n", box, expectationText(e, markdown))
	}
	b.WriteString("\n")
}

func writeNotes(b *bytes.Buffer, r *Run) {
	if len(r.Notes) == 0 {
		return
	}
	b.WriteString("## Notes\n\n")
	for _, n := range r.Notes {
		fmt.Fprintf(b, "- %s\n", text.MdInline(n))
	}
	b.WriteString("\n")
}
