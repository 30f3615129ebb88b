// This file writes backtest.md, the report a reviewer reads: the verdict,
// the facts of the recording, links to the charts and the engine's timeline
// in the recording's own time.

package backtestreport

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// WriteMarkdown writes the backtest a reviewer reads: the verdict
// in the recording's time, where the metrics came from and how they were
// mapped, one chart per metric (the .svg files WriteAll writes next
// to it), the ticks in recording time, and what the recording lacked.
func WriteMarkdown(w io.Writer, b *Backtest) error {
	if b == nil || b.Run == nil {
		return fmt.Errorf("write backtest report: no backtest given")
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Backtest: %s\n\n", text.MdInline(b.Run.Scenario))
	fmt.Fprintf(&buf, "**%s %s.**\n\n", text.MdInline(reports.CanaryName(b.Run)), text.MdInline(b.Verdict.Text))
	if b.Run.Error != "" {
		fmt.Fprintf(&buf, "The rehearsal failed: %s\n\n", text.MdInline(b.Run.Error))
	}
	writeBacktestFacts(&buf, b)
	writeBacktestCharts(&buf, b)
	writeBacktestTimeline(&buf, b)
	writeBacktestList(&buf, "Warnings", b.Warnings)
	writeBacktestList(&buf, "Notes", b.Run.Notes)
	out := append(bytes.TrimRight(buf.Bytes(), "\n"), '\n')
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("write backtest report for scenario %q: %w", b.Run.Scenario, err)
	}
	return nil
}

// backtestFacts are the facts of a backtest as label and text pairs.
func backtestFacts(b *Backtest) [][2]string {
	r := b.Run
	return [][2]string{
		{"recording", b.Source + " (" + b.Format + ")"},
		{"window", utcStamp(b.From) + " to " + utcStamp(b.To) + " (" + text.Duration(b.To-b.From) + ")"},
		{"release", utcStamp(b.Release) + "; one analysis tick every " + text.Duration(r.Interval)},
		{"canary", r.Canary + " · provider " + reports.ProviderText(r) + " · strategy " + r.Strategy},
		{"mapping", strings.Join(b.Mapping, "; ")},
		{"traffic", "the recording's traffic is what it was: the weights the engine set are shown, not fed back into it"},
	}
}

func writeBacktestFacts(buf *bytes.Buffer, b *Backtest) {
	buf.WriteString("| | |\n|---|---|\n")
	for _, f := range backtestFacts(b) {
		fmt.Fprintf(buf, "| %s | %s |\n", f[0], text.MdInline(f[1]))
	}
	buf.WriteString("\n")
}

func writeBacktestCharts(buf *bytes.Buffer, b *Backtest) {
	files := chartFiles(b)
	for i, m := range b.Metrics {
		fmt.Fprintf(buf, "## %s\n\n", text.MdInline(chartTitle(m)))
		fmt.Fprintf(buf, "![%s over the recording](%s)\n\n", text.MdInline(m.Name), files[i])
		fmt.Fprintf(buf, "Query: %s, evaluated every %s over the window; dots are the engine's checks.\n\n", text.MdCode(m.Query), text.Duration(m.Step))
	}
	buf.WriteString("## Canary weight\n\n![canary weight the engine set](weight.svg)\n\n")
}

// chartFiles names each metric's chart file: its name, made safe, with a
// number when two queries share a metric name.
func chartFiles(b *Backtest) []string {
	out := make([]string, len(b.Metrics))
	seen := map[string]int{}
	for i, m := range b.Metrics {
		base := safeFileName(m.Name)
		seen[base]++
		if n := seen[base]; n > 1 {
			base = fmt.Sprintf("%s-%d", base, n)
		}
		out[i] = base + ".svg"
	}
	return out
}

func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 || b.String() == "weight" {
		return "metric-" + b.String()
	}
	return b.String()
}

const backtestTimelineHeader = "| tick | time (UTC) | phase | primary/canary | failed checks | metrics | reason |\n" +
	"|---:|---|---|---:|---:|---|---|\n"

func writeBacktestTimeline(buf *bytes.Buffer, b *Backtest) {
	buf.WriteString("## Timeline (recording time)\n\n")
	if len(b.Run.Ticks) == 0 {
		buf.WriteString("No tick fits in the window.\n\n")
		return
	}
	buf.WriteString(backtestTimelineHeader)
	for _, t := range b.Run.Ticks {
		fmt.Fprintf(buf, "| %d | %s | %s | %s | %d | %s | %s |\n", t.Tick, clockText(b.Release+t.T, 1), text.MdInline(t.Phase),
			reports.WeightsCell(t), t.FailedChecks, reports.MetricsCell([]reports.Tick{t}), text.MdInline(firstLine(t.Reason)))
	}
	buf.WriteString("\n")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func writeBacktestList(buf *bytes.Buffer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(buf, "## %s\n\n", title)
	for _, it := range items {
		fmt.Fprintf(buf, "- %s\n", text.MdInline(it))
	}
	buf.WriteString("\n")
}

// utcStamp is a recording time in full.
func utcStamp(s float64) string {
	return time.UnixMilli(int64(math.Round(s * 1000))).UTC().Format("2006-01-02 15:04:05Z")
}
