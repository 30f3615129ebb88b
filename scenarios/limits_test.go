// This file tests limits.go: each bound is refused at the right line with a sentence saying what
// to change, and the default run length stays bounded.

package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// limitScenario is a valid world-mode scenario with inline manifests (so no
// file is read) whose spec fields can be replaced or added; each field is
// written on one line, so an error about it is on the line of its key.
func limitScenario(fields map[string]string) []byte {
	spec := map[string]string{
		"release":  `{from: "example/app:1", to: "example/app:2"}`,
		"versions": `{"example/app:1": {}, "example/app:2": {}}`,
	}
	for k, v := range fields {
		spec[k] = v
	}
	var b strings.Builder
	b.WriteString(limitHeader)
	for _, k := range slices.Sorted(maps.Keys(spec)) {
		fmt.Fprintf(&b, "  %s: %s\n", k, spec[k])
	}
	return []byte(b.String())
}

const limitHeader = `apiVersion: rehearse.dev/v1alpha1
kind: Scenario
metadata: {name: limits}
spec:
  inline: |
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: app}
    spec:
      selector: {matchLabels: {app: app}}
      template:
        metadata: {labels: {app: app}}
        spec: {containers: [{name: app, image: "example/app:1"}]}
    ---
    apiVersion: flagger.app/v1beta1
    kind: Canary
    metadata: {name: app}
    spec:
      targetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
      service: {port: 80}
      analysis:
        maxWeight: 20
        stepWeight: 10
        metrics: [{name: request-success-rate, thresholdRange: {min: 99}}]
        webhooks: [{name: acceptance-test, type: pre-rollout, url: "http://tester/"}]
`

// repeat is n copies of item as a flow list.
func repeat(n int, item func(i int) string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = item(i)
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// mapping is n entries as a flow mapping.
func mapping(n int, entry func(i int) string) string {
	return "{" + strings.TrimSuffix(strings.TrimPrefix(repeat(n, entry), "["), "]") + "}"
}

func same(s string) func(int) string { return func(int) string { return s } }

// TestLimits: each bound refuses the first value over it with the field,
// its line, the limit and the value, and accepts the value at it.
func TestLimits(t *testing.T) {
	cases := []struct {
		name   string
		fields map[string]string
		field  string // the key whose line the error is on, "" when accepted
		want   []string
	}{
		{"run duration at the limit", map[string]string{"limits": "{maxDuration: 168h}"}, "", nil},
		{"run duration over", map[string]string{"limits": "{maxDuration: 10000h}"}, "limits", []string{"spec.limits.maxDuration", `"10000h"`, "limit of 168h0m0s"}},
		{"release time over", map[string]string{"release": `{from: "example/app:1", to: "example/app:2", at: 169h}`}, "release", []string{"spec.release.at", `"169h"`, "168h0m0s"}},
		{"latency over", map[string]string{"versions": `{"example/app:1": {latency: {p50: 1s, p99: 99999h}}, "example/app:2": {}}`}, "versions", []string{"latency.p99", `"99999h"`, "168h0m0s"}},
		{"series at the limit", map[string]string{"series": repeat(MaxSeries, same("{metric: up, values: '1'}"))}, "", nil},
		{"series over", map[string]string{"series": repeat(MaxSeries+1, same("{metric: up, values: '1'}"))}, "series", []string{"spec.series", "holds 10001 series", "limit of 10000"}},
		{"samples at the limit", map[string]string{"series": `[{metric: up, values: "1x999999"}]`}, "", nil},
		{"samples over in one series", map[string]string{"series": `[{metric: up, values: "1x1000000"}]`}, "series", []string{"spec.series[0].values", "up to 1000001 samples", "limit of 1000000"}},
		{"samples over across series", map[string]string{"series": `[{metric: a, values: "1x599999"}, {metric: b, values: "1x599999"}]`}, "series", []string{"spec.series[1].values", "with the 600000 of the series before it", "limit of 1000000"}},
		{"repeat beyond 64 bits", map[string]string{"series": `[{metric: up, values: "1x18446744073709551616"}]`}, "series", []string{"spec.series[0].values", "more than 1000000 samples"}},
		{"series interval at the limit", map[string]string{"series": `[{metric: up, values: "1 2", interval: 1s}]`}, "", nil},
		{"series interval under", map[string]string{"series": `[{metric: up, values: "1 2", interval: 999ms}]`}, "series", []string{"spec.series[0].interval", "999ms", "limit of 1s"}},
		{"scrape interval at the lower limit", map[string]string{"prometheus": "{scrapeInterval: 1s}"}, "", nil},
		{"scrape interval at the upper limit", map[string]string{"prometheus": "{scrapeInterval: 1h}"}, "", nil},
		{"scrape interval under", map[string]string{"prometheus": "{scrapeInterval: 500ms}"}, "prometheus", []string{"spec.prometheus.scrapeInterval", "500ms", "limit of 1s"}},
		{"scrape interval over", map[string]string{"prometheus": "{scrapeInterval: 61m}"}, "prometheus", []string{"spec.prometheus.scrapeInterval", "1h1m0s", "limit of 1h0m0s"}},
		{"versions over", map[string]string{"versions": mapping(MaxVersions+1, func(i int) string { return fmt.Sprintf(`"example/app:%d": {}`, i) })}, "versions", []string{"holds 1001 versions", "limit of 1000"}},
		{"changes over", map[string]string{"versions": `{"example/app:1": {}, "example/app:2": {changes: ` + repeat(MaxChanges+1, same("{at: 1m, successRate: 1}")) + `}}`}, "versions", []string{"holds 10001 changes over all versions", "limit of 10000"}},
		{"webhooks over", map[string]string{"webhooks": mapping(MaxWebhooks+1, func(i int) string { return fmt.Sprintf("h%d: {gate: {open: true}}", i) })}, "webhooks", []string{"holds 101 webhooks", "limit of 100"}},
		{"answers over", map[string]string{"webhooks": `{acceptance-test: {answers: ` + repeat(MaxAnswers+1, same("{status: 200}")) + `}}`}, "webhooks", []string{"holds 10001 answers over all webhooks", "limit of 10000"}},
		{"events over", map[string]string{"events": repeat(MaxEvents+1, same("{at: 1m, pause: true}"))}, "events", []string{"holds 10001 events", "limit of 10000"}},
		{"script entries over", map[string]string{"script": repeat(MaxScriptTicks+1, func(i int) string { return fmt.Sprintf("{tick: %d}", i+1) })}, "script", []string{"holds 10001 script ticks", "limit of 10000"}},
		{"script tick at the limit", map[string]string{"script": `[{tick: 100000}]`, "limits": "{maxDuration: 168h}"}, "", nil},
		{"script tick over", map[string]string{"script": `[{tick: 1000000000}]`}, "script", []string{"spec.script[0].tick", "tick 1000000000", "limit of 100000"}},
		{"expect tick over", map[string]string{"expect": `{ticks: [{tick: 100001}]}`}, "expect", []string{"spec.expect.ticks[0].tick", "tick 100001", "limit of 100000"}},
		{"expect entries over", map[string]string{"expect": `{ticks: ` + repeat(MaxExpectTicks+1, func(i int) string { return fmt.Sprintf("{tick: %d}", i+1) }) + `}`}, "expect", []string{"holds 10001 tick expectations", "limit of 10000"}},
		{"manifests over", map[string]string{"manifests": repeat(MaxManifests+1, same("m.yaml"))}, "manifests", []string{"holds 101 manifest files", "limit of 100"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := limitScenario(c.fields)
			_, err := Parse("limits.yaml", data)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused at the limit: %v", err)
				}
				return
			}
			checkLimitError(t, err, lineOf(t, data, "  "+c.field+":"), c.want)
		})
	}
}

func checkLimitError(t *testing.T, err error, line int, want []string) {
	t.Helper()
	var e *manifest.Error
	if !errors.As(err, &e) {
		t.Fatalf("want a manifest error, got %v", err)
	}
	if e.File != "limits.yaml" || e.Line != line {
		t.Errorf("error at %s:%d, want limits.yaml:%d: %v", e.File, e.Line, line, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

func lineOf(t *testing.T, data []byte, prefix string) int {
	t.Helper()
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line starts with %q", prefix)
	return 0
}

// TestSampleBound: the bound never falls below what the notation expands
// to, and saturates rather than overflowing.
func TestSampleBound(t *testing.T) {
	cases := []struct {
		values string
		want   int
	}{
		{"", 0},
		{"1", 1},
		{"1 2 _ stale", 4},
		{"1x5", 6},                // 6 values
		{"_x3", 4},                // 3 values: N, bounded by N+1
		{"0+10x20 _x3 stale", 26}, // 21 + 3 + 1 values
		{"1x007", 8},
		{"{{schema:0 sum:1 count:1 buckets:[1]}}x2", 6}, // 3 values; the blanks inside count too
		{"1x9223372036854775807", math.MaxInt},
		{"1x99999999999999999999", math.MaxInt},
		{"1x5x5", 12}, // not notation, but bounded all the same
		{"x", 1},
		{"1 x", 2},
	}
	for _, c := range cases {
		got := sampleBound(c.values)
		if got != c.want {
			t.Errorf("sampleBound(%q) = %d, want %d", c.values, got, c.want)
		}
		if got > 1000 {
			continue
		}
		if _, vals, err := seriesParser.ParseSeriesDesc("{} " + c.values); err == nil && len(vals) > got {
			t.Errorf("%q expands to %d values, above its bound %d", c.values, len(vals), got)
		}
	}
}

// TestRunLimitBoundsTicks: the longest run at the shortest interval the
// engine uses has no more ticks than MaxTicks allows.
func TestRunLimitBoundsTicks(t *testing.T) {
	if n := MaxRunDuration / v1beta1.MinAnalysisInterval; n > MaxTicks {
		t.Errorf("a %v run at %v has %d ticks, over MaxTicks %d", MaxRunDuration, v1beta1.MinAnalysisInterval, n, MaxTicks)
	}
}

// TestFileLimits: LoadFile refuses files over MaxFileSize and anything that
// is not a regular file, naming the file and the limit.
func TestFileLimits(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("# padding\n"), MaxFileSize/10+1), 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.yaml")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		want string
	}{
		{big, "10.0 MiB, over the limit of 10 MiB"},
		{dir, "is a folder"},
		{loop, "cannot read the scenario"},
		{"/dev/null", "is a device"},
	}
	for _, c := range cases {
		_, err := LoadFile(c.path)
		var e *manifest.Error
		if !errors.As(err, &e) || e.File != c.path || !strings.Contains(err.Error(), c.want) {
			t.Errorf("LoadFile(%s) = %v, want an error naming the file with %q", c.path, err, c.want)
		}
	}
}

// TestDefaultMaxDurationStaysBounded: a huge analysis interval or iteration
// count does not overflow the default run limit into a negative one (it
// did: interval 1000000h gave -1620477h).
func TestDefaultMaxDurationStaysBounded(t *testing.T) {
	for _, analysis := range []string{"interval: 1m", "interval: 1000000h", "interval: 2562047h", "iterations: 9223372036854775807"} {
		data := bytes.Replace(limitScenario(nil), []byte("maxWeight: 20"), []byte(analysis+"\n        maxWeight: 20"), 1)
		s, err := Parse("limits.yaml", data)
		if err != nil {
			t.Fatalf("%s: %v", analysis, err)
		}
		if d := DefaultMaxDuration(s); d <= 0 || d > MaxDurationCap {
			t.Errorf("%s: default run limit %v, want within (0, %v]", analysis, d, MaxDurationCap)
		}
		if s.Limits.MaxDuration <= 0 || s.Limits.MaxDuration > MaxRunDuration {
			t.Errorf("%s: run limit %v", analysis, s.Limits.MaxDuration)
		}
	}
}
