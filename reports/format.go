package reports

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// maxDurationSeconds keeps a conversion to time.Duration (int64 nanoseconds)
// from overflowing; longer spans are written in plain seconds.
const maxDurationSeconds = 9e9

// formatDuration writes virtual seconds the way Go writes a time.Duration
// (9m0s), rounded to the millisecond so float noise never shows.
func formatDuration(seconds float64) string {
	if math.IsNaN(seconds) || math.Abs(seconds) > maxDurationSeconds {
		return formatValue(seconds) + "s"
	}
	ms := time.Duration(math.Round(seconds * 1000))
	return (ms * time.Millisecond).String()
}

// formatValue writes a number with at most two decimals and no trailing
// zeros, so 99.5 stays 99.5 and 420 stays 420.
func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// formatOptional writes a metric value; nil means the query found nothing.
func formatOptional(v *float64) string {
	if v == nil {
		return "no values"
	}
	return formatValue(*v)
}

// formatRange writes the span of values a collapsed row covers: "99.1" when
// they agree, "99.1–99.8" when they differ.
func formatRange(lo, hi float64) string {
	a, b := formatValue(lo), formatValue(hi)
	if a == b {
		return a
	}
	return a + "–" + b
}

// formatDecidedAt writes when the run was decided, or a dash.
func formatDecidedAt(r *Run) string {
	if r.DecidedAt == nil {
		return "—"
	}
	return formatDuration(*r.DecidedAt)
}

// oneLine folds free text (errors, reasons) onto one line so it cannot break
// a table row or a heading: tabs become spaces, and a line break becomes "; "
// unless the line already ends in punctuation.
func oneLine(s string) string {
	var out strings.Builder
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = strings.TrimSpace(strings.ReplaceAll(line, "\t", " "))
		if line == "" {
			continue
		}
		if out.Len() > 0 {
			out.WriteString(lineJoint(out.String()))
		}
		out.WriteString(line)
	}
	return out.String()
}

// lineJoint is what joins a folded line to the text before it.
func lineJoint(before string) string {
	if strings.ContainsAny(before[len(before)-1:], ".:;,!?") {
		return " "
	}
	return "; "
}

// sentence ends s with a full stop unless it already ends a sentence.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// truncate shortens s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// plural writes "1 tick" or "3 ticks".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// capitalized starts a sentence with a capital letter.
func capitalized(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return string(unicode.ToUpper(r[0])) + string(r[1:])
}
