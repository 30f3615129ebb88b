// This file holds what the SVG charts of the sweep page and the backtest
// report share: an axis tick, the spacings a time axis may take, and the
// one way a coordinate is written, so both draw alike.

package chart

import (
	"math"
	"strconv"
)

// NiceSteps are the tick spacings of the time axis, in seconds.
var NiceSteps = []float64{10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400}

// Tick is one labelled tick of an axis: its position and its text.
type Tick struct{ Pos, Text string }

// Px writes an SVG coordinate rounded to a tenth of a pixel, the
// precision the charts are drawn at, without trailing zeros.
func Px(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
