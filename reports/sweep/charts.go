// This file lays out the sweep page's two SVG charts: detection against
// false rollbacks per combination, and the time each combination took to
// decide.

package sweepreport

import (
	"math"
	"slices"
	"strconv"

	"github.com/rehearse-dev/rehearse/reports/internal/chart"
	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// Geometry of the detection vs false-rollback scatter, in SVG pixels.
const (
	scatterWidth, scatterHeight       = 560, 420
	scatterLeft, scatterRight         = 60, 40
	scatterTop, scatterBottom         = 20, 52
	scatterPlotW                      = scatterWidth - scatterLeft - scatterRight
	scatterPlotH                      = scatterHeight - scatterTop - scatterBottom
	timesWidth, timesLabelW           = 900, 250
	timesRight, timesTop, timesBottom = 24, 12, 44
	timesRowH                         = 34
)

// shareAxes are the ranges the scatter's false-rollback axis may take:
// the first that holds every interval is used, so points do not huddle
// in a corner when every rate is small.
var shareAxes = []shareAxis{{0, 0.05, 0.01}, {0, 0.1, 0.02}, {0, 0.2, 0.05}, {0, 0.3, 0.1}, {0, 0.4, 0.1},
	{0, 0.5, 0.1}, {0, 0.6, 0.1}, {0, 0.8, 0.2}, {0, 1, 0.2}}

// shareAxis is a linear axis of shares from lo to hi with a tick every step.
type shareAxis struct{ lo, hi, step float64 }

// ticks lists the axis's tick values, computed from a count so float
// steps never add up to a tick too many or too few.
func (a shareAxis) ticks() []float64 {
	n := int(math.Round((a.hi - a.lo) / a.step))
	out := make([]float64, n+1)
	for i := range out {
		out[i] = a.lo + float64(i)*a.step
	}
	return out
}

// pos maps a share onto [from, to].
func (a shareAxis) pos(v, from, to float64) float64 {
	return from + (v-a.lo)/(a.hi-a.lo)*(to-from)
}

// detectionAxis starts the detection axis just below the lowest interval,
// in tens of percent, so differences between good policies show.
func detectionAxis(cs []CombinationSummary) shareAxis {
	lo := 1.0
	for _, c := range cs {
		if c.Detection.Lo != nil && c.FalseRollback.Rate != nil {
			lo = min(lo, *c.Detection.Lo)
		}
	}
	if lo >= 0.5 {
		return shareAxis{min(math.Floor(lo*10)/10, 0.9), 1, 0.1}
	}
	return shareAxis{math.Floor(lo*5) / 5, 1, 0.2}
}

// scatterView is the scatter, laid out.
type scatterView struct {
	Width, Height    int
	Left, Top        int
	Right, Bottom    string
	LimitW, LimitTxt string
	PlotH            string
	XTicks, YTicks   []chart.Tick
	Points           []scatterPoint
	Labels           []chartLabel
	XTitleX, YTitleY string
}

type chartLabel struct{ X, Y, Text string }

type scatterPoint struct {
	CX, CY, X1, X2, Y1, Y2 string
	Class, Title           string
}

// layoutScatter places every combination that has both rates.
func layoutScatter(cs []CombinationSummary, limit float64, best *int) scatterView {
	xa, ya := falseRollbackAxis(scatterXMax(cs, limit)), detectionAxis(cs)
	sx := func(v float64) float64 { return xa.pos(v, scatterLeft, scatterLeft+scatterPlotW) }
	sy := func(v float64) float64 { return ya.pos(v, scatterTop+scatterPlotH, scatterTop) }
	v := scatterView{Width: scatterWidth, Height: scatterHeight, Left: scatterLeft, Top: scatterTop,
		Right: chart.Px(scatterLeft + scatterPlotW), Bottom: chart.Px(scatterTop + scatterPlotH),
		LimitW: chart.Px(sx(min(limit, xa.hi)) - scatterLeft), PlotH: chart.Px(scatterPlotH), LimitTxt: "under " + formatPercent(limit),
		XTitleX: chart.Px(scatterLeft + scatterPlotW/2), YTitleY: chart.Px(scatterTop + scatterPlotH/2)}
	for _, t := range xa.ticks() {
		v.XTicks = append(v.XTicks, chart.Tick{Pos: chart.Px(sx(t)), Text: formatPercent(t)})
	}
	for _, t := range ya.ticks() {
		v.YTicks = append(v.YTicks, chart.Tick{Pos: chart.Px(sy(t)), Text: formatPercent(t)})
	}
	for _, c := range cs {
		if c.Detection.Rate != nil && c.FalseRollback.Rate != nil {
			v.Points = append(v.Points, scatterPointOf(c, sx, sy, best))
		}
	}
	v.Labels = pointLabels(v.Points, cs)
	return v
}

func falseRollbackAxis(end float64) shareAxis {
	for _, a := range shareAxes {
		if end <= a.hi+1e-12 {
			return a
		}
	}
	return shareAxes[len(shareAxes)-1]
}

func scatterXMax(cs []CombinationSummary, limit float64) float64 {
	m := 2 * limit
	for _, c := range cs {
		if c.FalseRollback.Hi != nil {
			m = max(m, *c.FalseRollback.Hi)
		}
	}
	return m
}

func scatterPointOf(c CombinationSummary, sx, sy func(float64) float64, best *int) scatterPoint {
	d, f := c.Detection, c.FalseRollback
	p := scatterPoint{CX: chart.Px(sx(*f.Rate)), CY: chart.Px(sy(*d.Rate)), X1: chart.Px(sx(*f.Lo)), X2: chart.Px(sx(*f.Hi)),
		Y1: chart.Px(sy(*d.Lo)), Y2: chart.Px(sy(*d.Hi)), Class: "point",
		Title: "#" + strconv.Itoa(c.Index) + " " + c.Label + ": detects " + rateWithCI(d) + "; false rollback " + rateWithCI(f)}
	if best != nil && *best == c.Index {
		p.Class = "point best"
	}
	return p
}

// pointLabels writes each point's index beside it; points that fall on
// the same pixel share one label ("0, 2, 4") instead of overprinting.
func pointLabels(points []scatterPoint, cs []CombinationSummary) []chartLabel {
	var out []chartLabel
	at := map[string]int{}
	i := 0
	for _, c := range cs {
		if c.Detection.Rate == nil || c.FalseRollback.Rate == nil {
			continue
		}
		p := points[i]
		i++
		key := p.CX + "," + p.CY
		if j, ok := at[key]; ok {
			out[j].Text += ", " + strconv.Itoa(c.Index)
			continue
		}
		at[key] = len(out)
		out = append(out, chartLabel{X: p.CX, Y: p.CY, Text: strconv.Itoa(c.Index)})
	}
	return out
}

// timesView is the dot plot of decision times, laid out.
type timesView struct {
	Width, Height     int
	PlotLeft, PlotTop int
	Right, Bottom     string
	LabelX            int
	Ticks             []chart.Tick
	Rows              []timesRow
	Marks             int
}

type timesRow struct {
	LabelY, Label, Line string
	Series              []timesSeries
}

// timesSeries is one release kind's median (dot) and p95 (bar) on a row.
type timesSeries struct {
	Kind, Title       string
	Y, MedianX, P95X  string
	BarTop, BarBottom string
}

func layoutTimes(cs []CombinationSummary) timesView {
	tMax, step := timeAxis(cs)
	plotW := float64(timesWidth - timesLabelW - timesRight)
	sx := func(v float64) float64 { return timesLabelW + v/tMax*plotW }
	bottom := timesTop + timesRowH*len(cs)
	v := timesView{Width: timesWidth, Height: bottom + timesBottom, PlotLeft: timesLabelW, PlotTop: timesTop,
		Right: chart.Px(timesLabelW + plotW), Bottom: strconv.Itoa(bottom), LabelX: timesLabelW - 10}
	for t := 0.0; t <= tMax+1e-9; t += step {
		v.Ticks = append(v.Ticks, chart.Tick{Pos: chart.Px(sx(t)), Text: text.Duration(t)})
	}
	for i, c := range cs {
		row := timesRowOf(c, float64(timesTop+timesRowH*i+timesRowH/2), sx)
		v.Marks += len(row.Series)
		v.Rows = append(v.Rows, row)
	}
	return v
}

func timesRowOf(c CombinationSummary, y float64, sx func(float64) float64) timesRow {
	row := timesRow{LabelY: chart.Px(y + 4), Label: "#" + strconv.Itoa(c.Index) + " " + text.Truncate(c.Label, 34), Line: chart.Px(y + timesRowH/2)}
	for _, s := range []struct {
		kind string
		q    Quantiles
		dy   float64
	}{{"bad", c.BadDecision, -6}, {"good", c.GoodDecision, 6}} {
		if s.q.Median.Value != nil {
			row.Series = append(row.Series, timesSeriesOf(s.kind, s.q, y+s.dy, sx))
		}
	}
	return row
}

func timesSeriesOf(kind string, q Quantiles, y float64, sx func(float64) float64) timesSeries {
	return timesSeries{Kind: kind, Y: chart.Px(y), MedianX: chart.Px(sx(*q.Median.Value)), P95X: chart.Px(sx(*q.P95.Value)),
		BarTop: chart.Px(y - 5), BarBottom: chart.Px(y + 5),
		Title: kind + " releases: median " + text.Duration(*q.Median.Value) + " (CI " +
			formatEstimateRange(q.Median, formatSweepDuration) + "), p95 " + text.Duration(*q.P95.Value) +
			" (CI " + formatEstimateRange(q.P95, formatSweepDuration) + "), n=" + strconv.Itoa(q.Median.N)}
}

// timeAxis picks the axis end and a tick step giving at most 8 ticks.
func timeAxis(cs []CombinationSummary) (end, step float64) {
	m := 60.0
	for _, c := range cs {
		for _, v := range []*float64{c.BadDecision.P95.Value, c.GoodDecision.P95.Value} {
			if v != nil {
				m = max(m, *v)
			}
		}
	}
	step = chart.NiceSteps[len(chart.NiceSteps)-1]
	if i := slices.IndexFunc(chart.NiceSteps, func(s float64) bool { return m/s <= 8 }); i >= 0 {
		step = chart.NiceSteps[i]
	}
	return math.Ceil(m/step) * step, step
}
