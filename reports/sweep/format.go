// This file writes a sweep's numbers: shares as percentages, intervals,
// decision times and counts, with a mark where a bound cannot be set.

package sweepreport

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// formatPercent writes a share (0-1) as a percentage a person reads at a
// glance: whole numbers in the middle, a decimal near 0% and 100% where
// the difference matters (0.9% is not 1%, 99.6% is not 100%).
func formatPercent(share float64) string {
	p := share * 100
	var s string
	switch {
	case p == 0 || p == 100:
		s = strconv.Itoa(int(p))
	case p < 1:
		s = trimmedFixed(p, 2)
	case p < 10 || p > 90:
		s = trimmedFixed(math.Min(p, 99.9), 1)
	default:
		s = strconv.Itoa(int(math.Round(p)))
	}
	return s + "%"
}

func trimmedFixed(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

// formatShareRange writes an interval of shares: 25–37%.
func formatShareRange(lo, hi *float64) string {
	if lo == nil || hi == nil {
		return "-"
	}
	return strings.TrimSuffix(formatPercent(*lo), "%") + "–" + formatPercent(*hi)
}

// rateWithCI writes "35% (7 of 20, CI 18–57%)".
func rateWithCI(r Rate) string {
	if r.Rate == nil {
		return "nothing (no runs)"
	}
	return fmt.Sprintf("%s (%d of %d, CI %s)", formatPercent(*r.Rate), r.Count, r.N, formatShareRange(r.Lo, r.Hi))
}

// formatSweepDuration writes an optional duration, or a dash.
func formatSweepDuration(v *float64) string {
	if v == nil {
		return "-"
	}
	return text.Duration(*v)
}

// formatCount writes an optional count of requests: whole from 100 up,
// one decimal below, since the traffic model counts fractional requests.
func formatCount(v *float64) string {
	switch {
	case v == nil:
		return "-"
	case math.Abs(*v) >= 100:
		return strconv.FormatFloat(math.Round(*v), 'f', 0, 64)
	}
	return trimmedFixed(*v, 1)
}

// formatPair writes two statistics as "a / b".
func formatPair(a, b string) string {
	if a == "-" && b == "-" {
		return "-"
	}
	return a + " / " + b
}

// formatEstimateRange writes an interval whose bounds may be unknown: a
// missing bound is written "?" (too few runs to set it).
func formatEstimateRange(e Estimate, format func(*float64) string) string {
	if e.Value == nil {
		return "-"
	}
	return boundText(e.Lo, format) + "–" + boundText(e.Hi, format)
}

func boundText(v *float64, format func(*float64) string) string {
	if v == nil {
		return "?"
	}
	return format(v)
}
