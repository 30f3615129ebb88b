package reports

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
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
	XTicks, YTicks []chartTick
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
func layoutBacktestChart(b *Backtest, m BacktestMetric) btChart {
	lo, hi := valueRange(m)
	s := btScale{from: b.From, to: math.Max(b.To, b.From+1), lo: lo, hi: hi}
	c := btChart{Title: chartTitle(m), Width: btWidth, Height: btHeight, Left: btLeft, Top: btTop,
		Right: px(btLeft + btPlotW), Bottom: px(btTop + btPlotH), XTicks: timeTicks(s), YTicks: valueTicks(s)}
	c.Lines, c.Empty = valueLines(m, s)
	c.Bounds = bounds(m, s)
	c.Checks = checkDots(m, s)
	c.Marks = marks(b, m, s)
	return c
}

func chartTitle(m BacktestMetric) string {
	var parts []string
	if m.Min != nil {
		parts = append(parts, "min "+formatValue(*m.Min))
	}
	if m.Max != nil {
		parts = append(parts, "max "+formatValue(*m.Max))
	}
	if len(parts) == 0 {
		return m.Name
	}
	return m.Name + " (" + strings.Join(parts, ", ") + ")"
}

// valueRange spans the values, the bounds and the checks, padded, on
// round numbers.
func valueRange(m BacktestMetric) (lo, hi float64) {
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

func valueTicks(s btScale) []chartTick {
	step := niceStep((s.hi - s.lo) / 5)
	var out []chartTick
	for i := 0; ; i++ {
		v := s.lo + float64(i)*step
		if v > s.hi+step/1e6 {
			return out
		}
		out = append(out, chartTick{px(s.y(v)), formatValue(v)})
	}
}

// timeTicks puts at most 8 ticks on round clock times.
func timeTicks(s btScale) []chartTick {
	span := s.to - s.from
	step := niceSteps[len(niceSteps)-1]
	if i := slices.IndexFunc(niceSteps, func(st float64) bool { return span/st <= 8 }); i >= 0 {
		step = niceSteps[i]
	}
	var out []chartTick
	for t := math.Ceil(s.from/step) * step; t <= s.to+1e-9; t += step {
		out = append(out, chartTick{px(s.x(t)), clockText(t, step)})
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
func valueLines(m BacktestMetric, s btScale) ([]string, bool) {
	var out []string
	var cur []string
	empty := true
	for _, p := range m.Points {
		if p.V == nil || math.IsNaN(*p.V) {
			out, cur = flush(out, cur), nil
			continue
		}
		empty = false
		cur = append(cur, px(s.x(p.T))+","+px(s.y(clamp(*p.V, s))))
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

func bounds(m BacktestMetric, s btScale) []btBound {
	var out []btBound
	if m.Min != nil {
		out = append(out, btBound{px(s.y(*m.Min)), "min " + formatValue(*m.Min)})
	}
	if m.Max != nil {
		out = append(out, btBound{px(s.y(*m.Max)), "max " + formatValue(*m.Max)})
	}
	return out
}

// checkDots are the engine's checks: filled when they had a value, a ring
// on the axis when they found none.
func checkDots(m BacktestMetric, s btScale) []btDot {
	var out []btDot
	for _, c := range m.Checks {
		d := btDot{X: px(s.x(c.T)), Class: "check pass"}
		if !c.Passed {
			d.Class = "check fail"
		}
		at := clockText(c.T, 1)
		switch {
		case c.V == nil:
			d.Y, d.Class = px(btTop+btPlotH), d.Class+" none"
			d.Title = "tick " + strconv.Itoa(c.Tick) + " at " + at + ": no values"
		default:
			d.Y = px(s.y(clamp(*c.V, s)))
			d.Title = "tick " + strconv.Itoa(c.Tick) + " at " + at + ": " + formatValue(*c.V) + passWord(c.Passed)
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
func marks(b *Backtest, m BacktestMetric, s btScale) []btMark {
	var out []btMark
	if b.Release > b.From {
		out = append(out, btMark{X: px(s.x(b.Release)), Class: "mark release", Text: "release " + shortClock(b.Release), TextY: px(btTop + 12)})
	}
	v := b.Verdict
	if v.Breach != nil && v.Metric == m.Name {
		out = append(out, btMark{X: px(s.x(*v.Breach)), Class: "mark breach", Text: "left bounds " + shortClock(*v.Breach), TextY: px(btTop - 4)})
	}
	if v.At != nil {
		out = append(out, btMark{X: px(s.x(*v.At)), Class: "mark decision", Text: v.Decision + " " + shortClock(*v.At), TextY: px(btTop + btPlotH + 34)})
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
	YTicks        []chartTick
	XTicks        []chartTick
}

func layoutWeights(b *Backtest) btWeights {
	s := btScale{from: b.From, to: math.Max(b.To, b.From+1), lo: 0, hi: 100}
	y := func(w int) float64 { return float64(btTop) + (100-float64(w))/100*btWeightPlot }
	v := btWeights{Width: btWidth, Height: btWeightH, Left: btLeft, Top: btTop, Right: px(btLeft + btPlotW),
		Bottom: px(btTop + btWeightPlot), XTicks: timeTicks(s)}
	for _, w := range []int{0, 50, 100} {
		v.YTicks = append(v.YTicks, chartTick{px(y(w)), strconv.Itoa(w) + "%"})
	}
	pts := []string{px(s.x(b.From)) + "," + px(y(0))}
	prev := 0
	for _, tk := range b.Run.Ticks {
		x := px(s.x(b.Release + tk.T))
		pts = append(pts, x+","+px(y(prev)), x+","+px(y(tk.CanaryWeight)))
		prev = tk.CanaryWeight
	}
	end := b.To
	if len(b.Run.Ticks) > 0 {
		end = b.Release + b.Run.Ticks[len(b.Run.Ticks)-1].T
	}
	v.Line = strings.Join(append(pts, px(s.x(end))+","+px(y(prev))), " ")
	return v
}
