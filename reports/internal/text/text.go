// This file holds the text helpers every report writer shares: numbers and
// durations in one format, free text folded onto one line, Markdown made
// safe, plurals and sentences, so a run report, a sweep page and a chaos
// report word the same value the same way.

package text

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

// Duration writes virtual seconds the way Go writes a time.Duration
// (9m0s), rounded to the millisecond so float noise never shows.
func Duration(seconds float64) string {
	if math.IsNaN(seconds) || math.Abs(seconds) > maxDurationSeconds {
		return Value(seconds) + "s"
	}
	ms := time.Duration(math.Round(seconds * 1000))
	return (ms * time.Millisecond).String()
}

// Value writes a number with at most two decimals and no trailing
// zeros, so 99.5 stays 99.5 and 420 stays 420.
func Value(v float64) string {
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

// Optional writes a metric value; nil means the query found nothing.
func Optional(v *float64) string {
	if v == nil {
		return "no values"
	}
	return Value(*v)
}

// OneLine folds free text (errors, reasons) onto one line so it cannot break
// a table row or a heading: tabs become spaces, and a line break becomes "; "
// unless the line already ends in punctuation.
func OneLine(s string) string {
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

// Sentence ends s with a full stop unless it already ends a Sentence.
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// Truncate shortens s to at most n runes, marking the cut with an ellipsis.
func Truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Plural writes "1 tick" or "3 ticks".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// Capitalized starts a Sentence with a capital letter.
func Capitalized(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return string(unicode.ToUpper(r[0])) + string(r[1:])
}

// Cell keeps free text from breaking the table's columns.
func Cell(s string) string {
	if s = OneLine(s); s == "" {
		return "-"
	}
	return s
}

// mdEscaper neutralises the characters that would turn free text (engine
// reasons, errors, names) into Markdown or HTML markup.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "|", `\|`, "<", "&lt;", ">", "&gt;",
)

// MdInline makes free text safe on one line of Markdown, tables included.
func MdInline(s string) string {
	return mdEscaper.Replace(OneLine(s))
}

// MdCode writes s as inline code; a pipe is still escaped because GitHub
// splits table cells on it even inside code.
func MdCode(s string) string {
	s = strings.ReplaceAll(OneLine(s), "|", `\|`)
	fence := "`"
	if strings.Contains(s, "`") {
		fence = "``"
		s = " " + s + " "
	}
	return fence + s + fence
}

func Mark(passed bool) string {
	if passed {
		return "✓"
	}
	return "✗"
}
