// This file writes a run's timeline: ticks that differ only by measurement
// noise collapsed into one row, each with weights, checks, metric values,
// webhooks and load.

package reports

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// span is a run of consecutive ticks, ticks[from] through ticks[to].
type span struct{ from, to int }

func (s span) len() int { return s.to - s.from + 1 }

// groupTicks splits ticks into spans of consecutive ticks that share a key.
func groupTicks(ticks []Tick, key func(Tick) string) []span {
	var spans []span
	for i := range ticks {
		n := len(spans)
		if n > 0 && key(ticks[i]) == key(ticks[spans[n-1].to]) {
			spans[n-1].to = i
			continue
		}
		spans = append(spans, span{i, i})
	}
	return spans
}

// rowKey is everything a timeline row shows except the tick, its time and
// the metric values, so ticks that differ only by measurement noise collapse
// into one row.
func rowKey(t Tick) string {
	var k strings.Builder
	fmt.Fprintf(&k, "%s\x00%d\x00%d\x00%t\x00%d\x00%d\x00%s", t.Phase, t.PrimaryWeight, t.CanaryWeight,
		t.Mirrored, t.FailedChecks, t.Iterations, t.Reason)
	for _, m := range t.Metrics {
		fmt.Fprintf(&k, "\x00m%s\x00%t\x00%t\x00%s", m.Name, m.Passed, m.Value == nil, m.Error)
	}
	for _, h := range t.Webhooks {
		fmt.Fprintf(&k, "\x00h%s\x00%s\x00%d\x00%t", h.Name, h.Type, h.Status, h.Passed)
	}
	for _, e := range t.Events {
		fmt.Fprintf(&k, "\x00e%s", e)
	}
	return k.String()
}

// spanLabels writes the tick and time columns of a span: "3" and "2m0s",
// or "3–7" and "2m0s–6m0s".
func spanLabels(ticks []Tick, s span) (tick, at string) {
	first, last := ticks[s.from], ticks[s.to]
	if s.len() == 1 {
		return fmt.Sprint(first.Tick), text.Duration(first.T)
	}
	return fmt.Sprintf("%d–%d", first.Tick, last.Tick), text.Duration(first.T) + "–" + text.Duration(last.T)
}

const timelineHeader = "| tick | t | phase | primary/canary | failed checks | iterations | metrics | webhooks | reason |\n" +
	"|---:|---:|---|---:|---:|---:|---|---|---|\n"

func writeTimeline(b *bytes.Buffer, r *Run) {
	b.WriteString("## Timeline\n\n")
	if len(r.Ticks) == 0 {
		b.WriteString("No tick was recorded.\n\n")
		return
	}
	spans := groupTicks(r.Ticks, rowKey)
	if len(spans) < len(r.Ticks) {
		b.WriteString("Consecutive ticks that differ only in metric values share a row; metric values show their range.\n\n")
	}
	writeTimelineTable(b, r.Ticks, spans)
	if len(spans) < len(r.Ticks) {
		fmt.Fprintf(b, "<details>\n<summary>All %s, one row each</summary>\n\n", text.Plural(len(r.Ticks), "tick"))
		writeTimelineTable(b, r.Ticks, singleSpans(len(r.Ticks)))
		b.WriteString("</details>\n\n")
	}
}

// singleSpans is one span per tick: the uncollapsed timeline.
func singleSpans(n int) []span {
	spans := make([]span, n)
	for i := range spans {
		spans[i] = span{i, i}
	}
	return spans
}

func writeTimelineTable(b *bytes.Buffer, ticks []Tick, spans []span) {
	b.WriteString(timelineHeader)
	for _, s := range spans {
		b.WriteString("| " + strings.Join(rowCells(ticks, s), " | ") + " |\n")
	}
	b.WriteString("\n")
}

// rowCells renders one row; every tick in the span shares all but the tick,
// the time and the metric values (see rowKey).
func rowCells(ticks []Tick, s span) []string {
	t := ticks[s.from]
	tick, at := spanLabels(ticks, s)
	return []string{
		tick, at, text.MdInline(t.Phase), WeightsCell(t),
		fmt.Sprint(t.FailedChecks), fmt.Sprint(t.Iterations),
		MetricsCell(ticks[s.from : s.to+1]), webhooksCell(t.Webhooks), withLoad(reasonCell(t), ticks[s.from:s.to+1]),
	}
}

// WeightsCell writes a tick's primary/canary weights, marking a mirrored
// tick.
func WeightsCell(t Tick) string {
	w := fmt.Sprintf("%d/%d", t.PrimaryWeight, t.CanaryWeight)
	if t.Mirrored {
		w += " (mirrored)"
	}
	return w
}

// MetricsCell lists each metric of the span with its value (or range of
// values) and whether it passed.
func MetricsCell(ticks []Tick) string {
	if len(ticks[0].Metrics) == 0 {
		return "—"
	}
	parts := make([]string, len(ticks[0].Metrics))
	for i, m := range ticks[0].Metrics {
		parts[i] = text.MdInline(m.Name) + " " + valuesText(metricValues(ticks, i)) + " " + text.Mark(m.Passed)
	}
	return strings.Join(parts, "<br>")
}

// metricValues collects metric i of every tick; the ticks of a span share
// their metric list, so index i is the same metric in each.
func metricValues(ticks []Tick, i int) []*float64 {
	values := make([]*float64, 0, len(ticks))
	for _, t := range ticks {
		values = append(values, t.Metrics[i].Value)
	}
	return values
}

// valuesText writes the range of the values found, and "no values" when
// some queries found nothing.
func valuesText(values []*float64) string {
	lo, hi, found, missing := math.Inf(1), math.Inf(-1), 0, 0
	for _, v := range values {
		if v == nil {
			missing++
			continue
		}
		lo, hi, found = math.Min(lo, *v), math.Max(hi, *v), found+1
	}
	switch {
	case found == 0:
		return "no values"
	case missing > 0:
		return formatRange(lo, hi) + " or no values"
	}
	return formatRange(lo, hi)
}

func webhooksCell(hooks []Webhook) string {
	if len(hooks) == 0 {
		return "—"
	}
	parts := make([]string, len(hooks))
	for i, h := range hooks {
		parts[i] = text.MdInline(h.Name) + " " + statusText(h.Status) + " " + text.Mark(h.Passed)
	}
	return strings.Join(parts, "<br>")
}

// statusText is a webhook's HTTP status, or words for no answer at all.
func statusText(status int) string {
	if status == 0 {
		return "no answer"
	}
	return fmt.Sprint(status)
}

func reasonCell(t Tick) string {
	cell := text.MdInline(t.Reason)
	for _, e := range t.Events {
		cell += "<br>event: " + text.MdInline(e)
	}
	if cell == "" {
		return "—"
	}
	return strings.TrimPrefix(cell, "<br>")
}

// withLoad adds what hey measured over the ticks of a row to its reason
// cell: "hey: 120 req, 2xx 118, 5xx 2, p50 12ms p99 80ms". A row of several
// ticks sums the counts and shows each latency's range.
func withLoad(cell string, ticks []Tick) string {
	var loads []*LoadStats
	for _, t := range ticks {
		if t.Load != nil {
			loads = append(loads, t.Load)
		}
	}
	if len(loads) == 0 {
		return cell
	}
	line := "hey: " + loadText(loads)
	if cell == "—" {
		return line
	}
	return cell + "<br>" + line
}

func loadText(loads []*LoadStats) string {
	requests, errors, classes := 0, 0, map[string]int{}
	for _, l := range loads {
		requests, errors = requests+l.Requests, errors+l.Errors
		for code, n := range l.Status {
			classes[statusClass(code)] += n
		}
	}
	parts := []string{fmt.Sprintf("%d req", requests)}
	for _, c := range slices.Sorted(maps.Keys(classes)) {
		parts = append(parts, fmt.Sprintf("%s %d", c, classes[c]))
	}
	if errors > 0 {
		parts = append(parts, fmt.Sprintf("no answer %d", errors))
	}
	if requests > errors {
		parts = append(parts, latencyText(loads))
	}
	return strings.Join(parts, ", ")
}

// statusClass groups a status code by its first digit: "503" is "5xx".
func statusClass(code string) string {
	if len(code) == 3 && code[0] >= '1' && code[0] <= '5' {
		return code[:1] + "xx"
	}
	return code
}

// latencyText writes the P50 and P99 in milliseconds, as ranges when the
// row covers ticks that measured different values.
func latencyText(loads []*LoadStats) string {
	p50lo, p50hi, p99lo, p99hi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, l := range loads {
		if l.Requests <= l.Errors {
			continue // no answer, so no latency
		}
		p50lo, p50hi = math.Min(p50lo, l.P50), math.Max(p50hi, l.P50)
		p99lo, p99hi = math.Min(p99lo, l.P99), math.Max(p99hi, l.P99)
	}
	return "p50 " + formatRange(p50lo, p50hi) + "ms p99 " + formatRange(p99lo, p99hi) + "ms"
}
