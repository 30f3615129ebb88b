package reports

import (
	"math"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func TestFormatValue(t *testing.T) {
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
		if got := formatValue(tc.in); got != tc.want {
			t.Errorf("formatValue(%v) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
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
		if got := formatDuration(tc.seconds); got != tc.want {
			t.Errorf("formatDuration(%v) = %q; want %q", tc.seconds, got, tc.want)
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
		if got := oneLine(tc.in); got != tc.want {
			t.Errorf("oneLine(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"pipe", mdInline("a | b"), `a \| b`},
		{"html", mdInline("<b>&"), "&lt;b&gt;&"},
		{"emphasis and code", mdInline("*x* `y`"), "\\*x\\* \\`y\\`"},
		{"backslash", mdInline(`C:\x`), `C:\\x`},
		{"code", mdCode("test/podinfo"), "`test/podinfo`"},
		{"code with backtick", mdCode("a`b"), "`` a`b ``"},
		{"code with pipe", mdCode("a|b"), "`a\\|b`"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q; want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestSentenceAndTruncate(t *testing.T) {
	tests := []struct{ got, want string }{
		{sentence("done"), "done."},
		{sentence("done."), "done."},
		{sentence("really?"), "really?"},
		{sentence(""), ""},
		{truncate("abcdef", 4), "abc…"},
		{truncate("abc", 4), "abc"},
		{truncate("ééééé", 3), "éé…"},
		{capitalized("expectation"), "Expectation"},
		{plural(1, "tick"), "1 tick"},
		{plural(34, "tick"), "34 ticks"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("case %d: got %q; want %q", i, tc.got, tc.want)
		}
	}
}

func TestValuesText(t *testing.T) {
	tests := []struct {
		values []*float64
		want   string
	}{
		{[]*float64{ptr(99.5)}, "99.5"},
		{[]*float64{ptr(99.5), ptr(99.1), ptr(99.8)}, "99.1–99.8"},
		{[]*float64{ptr(99.501), ptr(99.499)}, "99.5"},
		{[]*float64{nil, nil}, "no values"},
		{[]*float64{ptr(80), nil}, "80 or no values"},
		{[]*float64{ptr(math.Inf(1))}, "+Inf"},
	}
	for _, tc := range tests {
		if got := valuesText(tc.values); got != tc.want {
			t.Errorf("valuesText = %q; want %q", got, tc.want)
		}
	}
}

func TestCheckScenarioName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"bad-release", true},
		{"webhook-failure-2", true},
		{"", false},
		{"Bad", false},
		{"a/b", false},
		{"..", false},
		{"with space", false},
		{"ünicode", false},
	}
	for _, tc := range tests {
		if err := checkScenarioName(tc.name); (err == nil) != tc.ok {
			t.Errorf("checkScenarioName(%q) = %v; want ok=%t", tc.name, err, tc.ok)
		}
	}
}

func TestDefaultProviderSourceMatchesTheAPI(t *testing.T) {
	if defaultProviderSource != v1beta1.ProviderFromDefault {
		t.Fatalf("reports words the default provider as %q, the API as %q", defaultProviderSource, v1beta1.ProviderFromDefault)
	}
}
