package reports

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// WriteBacktestMarkdown writes the backtest a reviewer reads: the verdict
// in the recording's time, where the metrics came from and how they were
// mapped, one chart per metric (the .svg files WriteBacktest writes next
// to it), the ticks in recording time, and what the recording lacked.
func WriteBacktestMarkdown(w io.Writer, b *Backtest) error {
	if b == nil || b.Run == nil {
		return fmt.Errorf("write backtest report: no backtest given")
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Backtest: %s\n\n", mdInline(b.Run.Scenario))
	fmt.Fprintf(&buf, "**%s %s.**\n\n", mdInline(canaryName(b.Run)), mdInline(b.Verdict.Text))
	if b.Run.Error != "" {
		fmt.Fprintf(&buf, "The rehearsal failed: %s\n\n", mdInline(b.Run.Error))
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
		{"window", utcStamp(b.From) + " to " + utcStamp(b.To) + " (" + formatDuration(b.To-b.From) + ")"},
		{"release", utcStamp(b.Release) + "; one analysis tick every " + formatDuration(r.Interval)},
		{"canary", r.Canary + " · provider " + providerText(r) + " · strategy " + r.Strategy},
		{"mapping", strings.Join(b.Mapping, "; ")},
		{"traffic", "the recording's traffic is what it was: the weights the engine set are shown, not fed back into it"},
	}
}

func writeBacktestFacts(buf *bytes.Buffer, b *Backtest) {
	buf.WriteString("| | |\n|---|---|\n")
	for _, f := range backtestFacts(b) {
		fmt.Fprintf(buf, "| %s | %s |\n", f[0], mdInline(f[1]))
	}
	buf.WriteString("\n")
}

func writeBacktestCharts(buf *bytes.Buffer, b *Backtest) {
	files := chartFiles(b)
	for i, m := range b.Metrics {
		fmt.Fprintf(buf, "## %s\n\n", mdInline(chartTitle(m)))
		fmt.Fprintf(buf, "![%s over the recording](%s)\n\n", mdInline(m.Name), files[i])
		fmt.Fprintf(buf, "Query: %s, evaluated every %s over the window; dots are the engine's checks.\n\n", mdCode(m.Query), formatDuration(m.Step))
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
		fmt.Fprintf(buf, "| %d | %s | %s | %s | %d | %s | %s |\n", t.Tick, clockText(b.Release+t.T, 1), mdInline(t.Phase),
			weightsCell(t), t.FailedChecks, metricsCell([]Tick{t}), mdInline(firstLine(t.Reason)))
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
		fmt.Fprintf(buf, "- %s\n", mdInline(it))
	}
	buf.WriteString("\n")
}

// utcStamp is a recording time in full.
func utcStamp(s float64) string {
	return time.UnixMilli(int64(math.Round(s * 1000))).UTC().Format("2006-01-02 15:04:05Z")
}
