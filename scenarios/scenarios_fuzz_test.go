// This file fuzzes Parse and the series syntax: any input yields a scenario or file:line errors,
// never a panic, a system call or an unbounded sample list.

package scenarios

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// fuzzFile is the name fuzzed scenarios are parsed under: in testdata, so
// that the seeds' relative manifest paths (../../fixtures/...) resolve.
const fuzzFile = "testdata/fuzz-input.yaml"

// addSeeds adds every file matching the patterns to the seed corpus.
func addSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	n := 0
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
			n++
		}
	}
	if n == 0 {
		f.Fatalf("no seed files match %v", patterns)
	}
}

// FuzzParse: whatever the bytes, Parse returns a scenario or manifest
// errors that name a file and, when they give a line, a line of the input;
// it never panics, and it gives the same answer twice.
func FuzzParse(f *testing.F) {
	addSeeds(f, "testdata/*.yaml", "library/*.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if touchesSystem(data) {
			t.Skip("names a system path: reading devices or walking / is not this test's business")
		}
		s, err := Parse(fuzzFile, data)
		checkLoadError(t, data, err)
		if err == nil {
			checkScenario(t, s)
		}
		_, again := Parse(fuzzFile, data)
		if errText(err) != errText(again) {
			t.Fatalf("two parses disagree:\n%v\n---\n%v", err, again)
		}
	})
}

// FuzzSeries drives the series path of the loader (spec.series[].metric,
// values and interval, as users write them) through Parse, and checks the
// sample bound the loader relies on against Prometheus's own expansion.
func FuzzSeries(f *testing.F) {
	f.Add(`queue_depth{app="podinfo"}`, "0+10x20 _x3 stale", "30s")
	f.Add("up", "1x5", "1m")
	f.Add("up", "1 2 3 _ 4 stale -1-1x3", "15s")
	f.Add("h", "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}x3", "1m")
	f.Add("h", "{{schema:0 sum:1 count:1 buckets:[1]}}+{{schema:0 sum:1 count:1 buckets:[1]}}x4", "1m")
	f.Add("up", "1x99999999999999999999", "1m")
	f.Add("up", "_x1000001", "1m")
	f.Add(`a{b="c",d!="e"}`, "1e3 0x10 .5 Inf -Inf NaN", "1ns")
	f.Fuzz(func(t *testing.T, metric, values, interval string) {
		checkSampleBound(t, values)
		data := seriesScenario(metric, values, interval)
		s, err := Parse(fuzzFile, data)
		checkLoadError(t, data, err)
		if err != nil {
			return
		}
		checkScenario(t, s)
		if got := len(s.Series[0].Values); got > sampleBound(values) {
			t.Fatalf("%q: %d values, above the bound of %d", values, got, sampleBound(values))
		}
	})
}

// checkSampleBound: whenever the bound is small enough to expand safely,
// Prometheus's parser expands to no more values than it says.
func checkSampleBound(t *testing.T, values string) {
	t.Helper()
	bound := sampleBound(values)
	if bound > 100_000 {
		return
	}
	_, vals, err := seriesParser.ParseSeriesDesc("{} " + values)
	if err == nil && len(vals) > bound {
		t.Fatalf("%q expands to %d values, above the bound of %d", values, len(vals), bound)
	}
}

// seriesScenario is a world-mode scenario with inline manifests (no file
// is read) and one series; the fuzzed strings are written as JSON strings,
// which YAML reads verbatim.
func seriesScenario(metric, values, interval string) []byte {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return []byte(`apiVersion: rehearse.dev/v1alpha1
kind: Scenario
metadata: {name: series}
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
      analysis: {maxWeight: 20, stepWeight: 10}
  release: {from: "example/app:1", to: "example/app:2"}
  versions: {"example/app:1": {}, "example/app:2": {}}
  series:
    - {metric: ` + q(metric) + `, values: ` + q(values) + `, interval: ` + q(interval) + `}
`)
}

// checkLoadError: nil, or manifest errors, each naming a file, with lines
// that exist in the input when the error is about the input.
func checkLoadError(t *testing.T, data []byte, err error) {
	t.Helper()
	var list manifest.Errors
	switch e := err.(type) {
	case nil:
		return
	case *manifest.Error:
		list = manifest.Errors{e}
	case manifest.Errors:
		list = e
	default:
		t.Fatalf("error of type %T, not a manifest error: %v", err, err)
	}
	if len(list) == 0 {
		t.Fatal("an empty error list is not an error")
	}
	lines := countLines(data)
	for _, e := range list {
		checkOneError(t, e, lines)
	}
}

func checkOneError(t *testing.T, e *manifest.Error, lines int) {
	t.Helper()
	text := e.Error()
	switch {
	case e.File == "":
		t.Fatalf("error names no file: %v", text)
	case e.Msg == "" && e.Err == nil:
		t.Fatalf("error says nothing: %v", text)
	case e.File == fuzzFile && (e.Line < 0 || e.Line > lines):
		t.Fatalf("line %d is outside the input's %d lines: %v", e.Line, lines, text)
	case strings.Contains(text, "goroutine ") || strings.Contains(text, "panic"):
		t.Fatalf("a stack trace in an error: %v", text)
	}
}

// checkScenario: what the loader accepts stays within the limits.
func checkScenario(t *testing.T, s *Scenario) {
	t.Helper()
	samples := 0
	for _, se := range s.Series {
		samples += len(se.Values)
		if se.Interval < MinSeriesInterval {
			t.Fatalf("series interval %v accepted", se.Interval)
		}
	}
	switch d := DefaultMaxDuration(s); {
	case samples > MaxSamples:
		t.Fatalf("%d samples accepted", samples)
	case s.Limits.MaxDuration <= 0 || s.Limits.MaxDuration > MaxRunDuration:
		t.Fatalf("run limit %v accepted", s.Limits.MaxDuration)
	case d <= 0 || d > MaxRunDuration:
		t.Fatalf("default run limit %v", d)
	case s.Canary == nil || s.Manifests == nil:
		t.Fatal("accepted without a Canary")
	}
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// touchesSystem is true for inputs naming places whose reading blocks or
// takes long (devices, /proc, the whole file system).
func touchesSystem(data []byte) bool {
	for _, p := range []string{"/dev", "/proc", "/sys", "/run", "../../..", "- /\n", "[/]", "[/,", ", /]"} {
		if bytes.Contains(data, []byte(p)) {
			return true
		}
	}
	return false
}

// countLines counts lines as YAML does: LF, CRLF and a lone CR each end one.
func countLines(data []byte) int {
	return bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n")) + 1
}
