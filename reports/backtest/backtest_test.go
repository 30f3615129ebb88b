// This file checks the backtest charts' axes and lines, that non-finite
// values survive JSON, and that recorded text is escaped in SVG.

package backtestreport

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/reports"
)

func fp(v float64) *float64 { return &v }

func TestNiceStep(t *testing.T) {
	for _, tt := range []struct{ raw, want float64 }{{0.3, 0.5}, {1, 1}, {1.1, 2}, {2.5, 5}, {7, 10}, {42, 50}, {120, 200}} {
		if got := niceStep(tt.raw); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("niceStep(%g) = %g, want %g", tt.raw, got, tt.want)
		}
	}
}

func TestTimeTicksAreRoundClockTimes(t *testing.T) {
	s := btScale{from: 1773151200 + 7, to: 1773151200 + 900, lo: 0, hi: 1} // 14:00:07 to 14:15
	var got []string
	for _, tk := range timeTicks(s) {
		got = append(got, tk.Text)
	}
	if strings.Join(got, " ") != "14:02 14:04 14:06 14:08 14:10 14:12 14:14" {
		t.Errorf("ticks %v", got)
	}
}

// TestValueLinesBreakAtGaps: a step with no value ends the line, so the
// chart never draws through a stretch the recording does not have.
func TestValueLinesBreakAtGaps(t *testing.T) {
	m := Metric{Points: []Point{{T: 0, V: fp(1)}, {T: 1, V: fp(2)}, {T: 2}, {T: 3, V: fp(3)}, {T: 4}}}
	lines, empty := valueLines(m, btScale{from: 0, to: 4, lo: 0, hi: 4})
	if empty || len(lines) != 2 || strings.Count(lines[0], ",") != 2 || strings.Count(lines[1], ",") != 2 {
		t.Errorf("lines %q, empty %v", lines, empty)
	}
	if _, empty := valueLines(Metric{Points: []Point{{T: 0}}}, btScale{to: 1, hi: 1}); !empty {
		t.Error("a metric with no value is not reported empty")
	}
}

// TestBacktestJSONWritesInfinity: histogram_quantile can answer +Inf,
// which JSON numbers cannot hold; it is written as Prometheus writes it.
func TestBacktestJSONWritesInfinity(t *testing.T) {
	b := &Backtest{Run: &reports.Run{Scenario: "x"}, Metrics: []Metric{{Name: "request-duration",
		Points: []Point{{T: 1, V: fp(math.Inf(1))}, {T: 2}}, Checks: []Check{{Tick: 3, T: 1, V: fp(math.Inf(1))}}}}}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, b); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(buf.String(), `"+Inf"`); got != 2 || !strings.Contains(buf.String(), "null") {
		t.Errorf("+Inf written %d times, want 2 (and a null):\n%s", got, buf.String())
	}
}

// TestBacktestChartEscapes: names and verdicts from manifests are text,
// never markup, in the page and the SVG files.
func TestBacktestChartEscapes(t *testing.T) {
	b := &Backtest{Run: &reports.Run{Scenario: "x", Canary: "ns/<b>"}, From: 0, To: 60, Release: 0,
		Verdict: Verdict{Decision: "promoted", Text: "<script>alert(1)</script>"},
		Metrics: []Metric{{Name: `m"<svg>`, Query: "a<b", Points: []Point{{T: 0, V: fp(1)}}}}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "<script>") || strings.Contains(buf.String(), `m"<svg>`) {
		t.Errorf("unescaped text in the page")
	}
}
