// This file lays out a backtest's SVG charts: a metric's recorded value, its
// bounds, the engine's checks and the marks of the release, the breach and
// the decision; and the weights the engine set.

package backtestreport

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/reports/internal/chart"
	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// Geometry of a backtest chart, in SVG pixels.
const (
	btWidth, btHeight       = 760, 280
	btLeft, btRight         = 64, 110
	btTop, btBottom         = 30, 40
	btPlotW                 = btWidth - btLeft - btRight
	btPlotH                 = btHeight - btTop - btBottom
	btWeightH, btWeightPlot = 150, 80
)

// btChart is one metric's chart, laid out: the recorded value over the
// window, its bounds, the engine's checks, and where the decision fell.
type btChart struct {
	Title          string
	Width, Height  int
	Left, Top      int
	Right, Bottom  string
	XTicks, YTicks []chart.Tick
	Lines          []string // polyline point lists; a gap splits the line
	Bounds         []btBound
	Checks         []btDot
	Marks          []btMark
	Empty          bool // no value anywhere in the window
}

type btBound struct{ Y, Text string }

type btDot struct{ X, Y, Class, Title string }

// btMark is a vertical line at a moment: the release, the breach, the
// decision.
type btMark struct{ X, Class, Text, TextY string }

// btScale maps recording times and values onto the plot.
type btScale struct {
	from, to, lo, hi float64
}

func (s btScale) x(t float64) float64 {
	return btLeft + (t-s.from)/(s.to-s.from)*btPlotW
}

func (s btScale) y(v float64) float64 {
	return btTop + (s.hi-v)/(s.hi-s.lo)*btPlotH
}

// layoutBacktestChart lays one metric out over the backtest's window.
func layoutBacktestChart(b *Backtest, m Metric) btChart {
	lo, hi := valueRange(m)
	s := btScale{from: b.From, to: math.Max(b.To, b.From+1), lo: lo, hi: hi}
	c := btChart{Title: chartTitle(m), Width: btWidth, Height: btHeight, Left: btLeft, Top: btTop,
		Right: chart.Px(btLeft + btPlotW), Bottom: chart.Px(btTop + btPlotH), XTicks: timeTicks(s), YTicks: valueTicks(s)}
	c.Lines, c.Empty = valueLines(m, s)
	c.Bounds = bounds(m, s)
	c.Checks = checkDots(m, s)
	c.Marks = marks(b, m, s)
	return c
}

func chartTitle(m Metric) string {
	var parts []string
	if m.Min != nil {
		parts = append(parts, "min "+text.Value(*m.Min))
	}
	if m.Max != nil {
		parts = append(parts, "max "+text.Value(*m.Max))
	}
	if len(parts) == 0 {
		return m.Name
	}
	return m.Name + " (" + strings.Join(parts, ", ") + ")"
}

// valueRange spans the values, the bounds and the checks, padded, on
// round numbers.
func valueRange(m Metric) (lo, hi float64) {
	var vs []float64
	add := func(v *float64) {
		if v != nil && !math.IsInf(*v, 0) && !math.IsNaN(*v) {
			vs = append(vs, *v)
		}
	}
	for _, p := range m.Points {
		add(p.V)
	}
	for _, c := range m.Checks {
		add(c.V)
	}
	add(m.Min)
	add(m.Max)
	if len(vs) == 0 {
		return 0, 1
	}
	lo, hi = slices.Min(vs), slices.Max(vs)
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	pad := (hi - lo) * 0.08
	step := niceStep((hi - lo + 2*pad) / 5)
	low := math.Floor((lo-pad)/step) * step
	if lo >= 0 && low < 0 {
		low = 0 // rates, latencies and percentages are never negative
	}
	return low, math.Ceil((hi+pad)/step) * step
}

// niceStep is the 1, 2 or 5 times a power of ten nearest above raw.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func valueTicks(s btScale) []chart.Tick {
	step := niceStep((s.hi - s.lo) / 5)
	var out []chart.Tick
	for i := 0; ; i++ {
		v := s.lo + float64(i)*step
		if v > s.hi+step/1e6 {
			return out
		}
		out = append(out, chart.Tick{Pos: chart.Px(s.y(v)), Text: text.Value(v)})
	}
}

// timeTicks puts at most 8 ticks on round clock times.
func timeTicks(s btScale) []chart.Tick {
	span := s.to - s.from
	step := chart.NiceSteps[len(chart.NiceSteps)-1]
	if i := slices.IndexFunc(chart.NiceSteps, func(st float64) bool { return span/st <= 8 }); i >= 0 {
		step = chart.NiceSteps[i]
	}
	var out []chart.Tick
	for t := math.Ceil(s.from/step) * step; t <= s.to+1e-9; t += step {
		out = append(out, chart.Tick{Pos: chart.Px(s.x(t)), Text: clockText(t, step)})
	}
	return out
}

// clockText is a recording time as a chart labels it (UTC).
func clockText(t, step float64) string {
	tm := time.UnixMilli(int64(math.Round(t * 1000))).UTC()
	switch {
	case step >= 86400:
		return tm.Format("Jan 2")
	case step < 60 || tm.Second() != 0:
		return tm.Format("15:04:05")
	}
	return tm.Format("15:04")
}

// valueLines draws the recorded value; a step with no value ends a line.
func valueLines(m Metric, s btScale) ([]string, bool) {
	var out []string
	var cur []string
	empty := true
	for _, p := range m.Points {
		if p.V == nil || math.IsNaN(*p.V) {
			out, cur = flush(out, cur), nil
			continue
		}
		empty = false
		cur = append(cur, chart.Px(s.x(p.T))+","+chart.Px(s.y(clamp(*p.V, s))))
	}
	return flush(out, cur), empty
}

func flush(out, cur []string) []string {
	if len(cur) == 1 {
		cur = append(cur, cur[0])
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}

// clamp keeps +Inf and far values on the plot's edge.
func clamp(v float64, s btScale) float64 { return math.Max(s.lo, math.Min(s.hi, v)) }

func bounds(m Metric, s btScale) []btBound {
	var out []btBound
	if m.Min != nil {
		out = append(out, btBound{chart.Px(s.y(*m.Min)), "min " + text.Value(*m.Min)})
	}
	if m.Max != nil {
		out = append(out, btBound{chart.Px(s.y(*m.Max)), "max " + text.Value(*m.Max)})
	}
	return out
}

// checkDots are the engine's checks: filled when they had a value, a ring
// on the axis when they found none.
func checkDots(m Metric, s btScale) []btDot {
	var out []btDot
	for _, c := range m.Checks {
		d := btDot{X: chart.Px(s.x(c.T)), Class: "check pass"}
		if !c.Passed {
			d.Class = "check fail"
		}
		at := clockText(c.T, 1)
		switch {
		case c.V == nil:
			d.Y, d.Class = chart.Px(btTop+btPlotH), d.Class+" none"
			d.Title = "tick " + strconv.Itoa(c.Tick) + " at " + at + ": no values"
		default:
			d.Y = chart.Px(s.y(clamp(*c.V, s)))
			d.Title = "tick " + strconv.Itoa(c.Tick) + " at " + at + ": " + text.Value(*c.V) + passWord(c.Passed)
		}
		out = append(out, d)
	}
	return out
}

func passWord(ok bool) string {
	if ok {
		return " ✓"
	}
	return " ✗"
}

// marks are the release, the breach of the deciding metric, and the
// decision, each labelled at its own height so the labels do not meet.
// A release at the window's start is the frame's edge and needs no mark.
func marks(b *Backtest, m Metric, s btScale) []btMark {
	var out []btMark
	if b.Release > b.From {
		out = append(out, btMark{X: chart.Px(s.x(b.Release)), Class: "mark release", Text: "release " + shortClock(b.Release), TextY: chart.Px(btTop + 12)})
	}
	v := b.Verdict
	if v.Breach != nil && v.Metric == m.Name {
		out = append(out, btMark{X: chart.Px(s.x(*v.Breach)), Class: "mark breach", Text: "left bounds " + shortClock(*v.Breach), TextY: chart.Px(btTop - 4)})
	}
	if v.At != nil {
		out = append(out, btMark{X: chart.Px(s.x(*v.At)), Class: "mark decision", Text: v.Decision + " " + shortClock(*v.At), TextY: chart.Px(btTop + btPlotH + 34)})
	}
	return out
}

// shortClock is a recording time with seconds only when they are not 0.
func shortClock(t float64) string { return clockText(t, 60) }

// btWeights is the canary weight the engine's router held, as a step
// line over the same window.
type btWeights struct {
	Width, Height int
	Left, Top     int
	Right, Bottom string
	Line          string
	YTicks        []chart.Tick
	XTicks        []chart.Tick
}

func layoutWeights(b *Backtest) btWeights {
	s := btScale{from: b.From, to: math.Max(b.To, b.From+1), lo: 0, hi: 100}
	y := func(w int) float64 { return float64(btTop) + (100-float64(w))/100*btWeightPlot }
	v := btWeights{Width: btWidth, Height: btWeightH, Left: btLeft, Top: btTop, Right: chart.Px(btLeft + btPlotW),
		Bottom: chart.Px(btTop + btWeightPlot), XTicks: timeTicks(s)}
	for _, w := range []int{0, 50, 100} {
		v.YTicks = append(v.YTicks, chart.Tick{Pos: chart.Px(y(w)), Text: strconv.Itoa(w) + "%"})
	}
	pts := []string{chart.Px(s.x(b.From)) + "," + chart.Px(y(0))}
	prev := 0
	for _, tk := range b.Run.Ticks {
		x := chart.Px(s.x(b.Release + tk.T))
		pts = append(pts, x+","+chart.Px(y(prev)), x+","+chart.Px(y(tk.CanaryWeight)))
		prev = tk.CanaryWeight
	}
	end := b.To
	if len(b.Run.Ticks) > 0 {
		end = b.Release + b.Run.Ticks[len(b.Run.Ticks)-1].T
	}
	v.Line = strings.Join(append(pts, chart.Px(s.x(end))+","+chart.Px(y(prev))), " ")
	return v
}
