// This file checks the shared text helpers: numbers, durations, folded
// lines, Markdown escaping, sentences and plurals.

package text

import (
	"math"
	"testing"
)

func TestValue(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{99, "99"},
		{99.5, "99.5"},
		{99.126, "99.13"},
		{99.125, "99.12"}, // exactly representable: ties go to even
		{80.123, "80.12"},
		{79.996, "80"},
		{0, "0"},
		{-0.001, "0"},
		{-12.345, "-12.35"},
		{1e6, "1000000"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
		{math.NaN(), "NaN"},
	}
	for _, tc := range tests {
		if got := Value(tc.in); got != tc.want {
			t.Errorf("Value(%v) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		seconds float64
		want    string
	}{
		{540, "9m0s"},
		{0, "0s"},
		{30, "30s"},
		{3725, "1h2m5s"},
		{0.5, "500ms"},
		{60.0000001, "1m0s"},
		{1e10, "10000000000s"},
		{math.NaN(), "NaNs"},
	}
	for _, tc := range tests {
		if got := Duration(tc.seconds); got != tc.want {
			t.Errorf("Duration(%v) = %q; want %q", tc.seconds, got, tc.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"  padded\t", "padded"},
		{"first\nsecond", "first; second"},
		{"first.\nsecond", "first. second"},
		{"cause:\r\n  detail\n\n", "cause: detail"},
		{"tab\tinside", "tab inside"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := OneLine(tc.in); got != tc.want {
			t.Errorf("OneLine(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"pipe", MdInline("a | b"), `a \| b`},
		{"html", MdInline("<b>&"), "&lt;b&gt;&"},
		{"emphasis and code", MdInline("*x* `y`"), "\\*x\\* \\`y\\`"},
		{"backslash", MdInline(`C:\x`), `C:\\x`},
		{"code", MdCode("test/podinfo"), "`test/podinfo`"},
		{"code with backtick", MdCode("a`b"), "`` a`b ``"},
		{"code with pipe", MdCode("a|b"), "`a\\|b`"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q; want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestSentenceAndTruncate(t *testing.T) {
	tests := []struct{ got, want string }{
		{Sentence("done"), "done."},
		{Sentence("done."), "done."},
		{Sentence("really?"), "really?"},
		{Sentence(""), ""},
		{Truncate("abcdef", 4), "abc…"},
		{Truncate("abc", 4), "abc"},
		{Truncate("ééééé", 3), "éé…"},
		{Capitalized("expectation"), "Expectation"},
		{Plural(1, "tick"), "1 tick"},
		{Plural(34, "tick"), "34 ticks"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("case %d: got %q; want %q", i, tc.got, tc.want)
		}
	}
}
