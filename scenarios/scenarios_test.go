// This file tests loading valid and invalid scenario files and folders: one error per broken
// file, duplicate names, missing paths and empty files refused, and config events.

package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

func TestValidFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/valid-*.yaml")
	if err != nil || len(files) < 6 {
		t.Fatalf("want at least 6 valid files, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if _, err := LoadFile(f); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// invalidCases lists every invalid-*.yaml with its first error's file (when
// it is not the scenario), line and message. A file without a row fails.
var invalidCases = []struct {
	file, errFile string
	line          int
	want          string
}{
	{"invalid-ambiguous-canary.yaml", "", 6, "spec.inline: the manifests hold 2 Canaries (default/a, default/b): say which one"},
	{"invalid-apiversion.yaml", "", 1, "rehearse.dev/v1 is not a scenario version this rehearse reads: use apiVersion: rehearse.dev/v1alpha1"},
	{"invalid-bad-duration.yaml", "", 12, `spec.events[0].at: "5 minutes" is not a duration`},
	{"invalid-bad-manifest.yaml", "testdata/manifests/broken-canary.yml", 9, `spec.analysis.treshold: unknown field; did you mean "threshold"?`},
	{"invalid-canary-metric.yaml", "", 16, `testdata/invalid-canary-metric.yaml:16:19: spec.analysis.metrics[0].name: metric "error-budget" has no builtin name, templateRef or query: add one`},
	{"invalid-event-no-action.yaml", "", 12, "an event does exactly one thing: give one of revision: IMAGE, pause: true, resume: true, delete: true, configMap: {name, data} or secret: {name, data} (found 0)"},
	{"invalid-config-event-missing.yaml", "", 13, "spec.events[0].configMap.name: ConfigMap test/podinfo-config is not in the manifests: add it, or name one the target reads"},
	{"invalid-config-event-field.yaml", "", 15, `spec.events[0].configMap.date: unknown field; did you mean "data"?`},
	{"invalid-event-two-actions.yaml", "", 12, "(found 2)"},
	{"invalid-latency-order.yaml", "", 11, "p99 100ms is below p50 300ms"},
	{"invalid-missing-manifest.yaml", "", 8, "spec.manifests[1]: " + filepath.Join("..", "fixtures", "podinfo", "no-such-file.yaml") + " does not exist (paths are relative to the scenario file)"},
	{"invalid-missing-version.yaml", "", 7, `spec.release.to: no entry for ghcr.io/stefanprodan/podinfo:6.0.1 in spec.versions: add one saying how this version behaves; did you mean "ghcr.io/stefanprodan/podinfo:6.0.l"?`},
	{"invalid-name.yaml", "", 4, `"Bad_Name" is not a valid name`},
	{"invalid-negative-rps.yaml", "", 11, "spec.traffic.rps: -5 is negative"},
	{"invalid-no-canary.yaml", "", 6, "spec.manifests: the manifests hold no Canary: add one"},
	{"invalid-not-scenario.yaml", "", 4, "kind: Canary is not a Scenario"},
	{"invalid-outcome.yaml", "", 12, `"Success" is not a Canary phase`},
	{"invalid-release-image.yaml", "", 8, "Deployment test/podinfo runs ghcr.io/stefanprodan/podinfo:6.0.0, not ghcr.io/stefanprodan/podinfo:5.0.0"},
	{"invalid-script-answer.yaml", "", 11, `spec.script[0].webhooks.load-test.timout: unknown field; did you mean "timeout"?`},
	{"invalid-script-metric-name.yaml", "", 11, `metric "request-sucess-rate" is not in Canary test/podinfo: use one of request-success-rate, request-duration; did you mean "request-success-rate"?`},
	{"invalid-script-order.yaml", "", 10, "tick 2 does not come after tick 3"},
	{"invalid-script-tick-zero.yaml", "", 9, "0 is not a tick: ticks count from 1"},
	{"invalid-script-with-traffic.yaml", "", 8, "spec.traffic: cannot be used with spec.script"},
	{"invalid-scrape-interval.yaml", "", 11, `spec.prometheus.scrapeInterval: "15 seconds" is not a duration`},
	{"invalid-series-metric.yaml", "", 12, `spec.series[0].metric: "queue depth{app=" is not a series name`},
	{"invalid-series.yaml", "", 13, `spec.series[1].values: "0+10x lots" is not promtool series notation`},
	{"invalid-success-rate.yaml", "", 11, "successRate: 120 is outside 0..100"},
	{"invalid-unknown-field.yaml", "", 11, `spec.versions["ghcr.io/stefanprodan/podinfo:6.0.1"].sucessRate: unknown field; did you mean "successRate"?`},
	{"invalid-webhook-name.yaml", "", 12, `webhook "acceptance-tst" is not in Canary test/podinfo: use one of acceptance-test, load-test; did you mean "acceptance-test"?`},
	{"invalid-wrong-type.yaml", "", 11, `spec.traffic.rps: expected a number, got string "lots"`},
	{"invalid-fault-kind.yaml", "", 12, `"exploded" is not a prometheus fault: use one of down, slow, status`},
	{"invalid-fault-hook.yaml", "", 12, `the Canary has no webhook named "lod-test"`},
	{"invalid-recording-selector.yaml", "", 9, `spec.recording.canary: "destination_workload:checkout-v2" is not label=value`},
	{"invalid-recording-window.yaml", "", 11, `spec.recording.to: "2026-03-10 14:00" is not a time: write it in RFC 3339`},
	{"invalid-recording-with-traffic.yaml", "", 10, "spec.traffic: cannot be used with spec.recording"},
}

func TestInvalidFiles(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range invalidCases {
		covered[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			_, err := LoadFile(path)
			first := firstError(t, err)
			wantFile := path
			if tc.errFile != "" {
				wantFile = tc.errFile
			}
			if first.File != wantFile || first.Line != tc.line || !strings.Contains(first.Error(), tc.want) {
				t.Errorf("got %q (%s line %d), want %q at %s line %d", first.Error(), first.File, first.Line, tc.want, wantFile, tc.line)
			}
		})
	}
	files, _ := filepath.Glob("testdata/invalid-*.yaml")
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("%s has no row in invalidCases", f)
		}
	}
	if len(files) < 10 {
		t.Errorf("want at least 10 invalid files, got %d", len(files))
	}
}

func firstError(t *testing.T, err error) *manifest.Error {
	t.Helper()
	var errs manifest.Errors
	if errors.As(err, &errs) && len(errs) > 0 {
		return errs[0]
	}
	var one *manifest.Error
	if errors.As(err, &one) {
		return one
	}
	t.Fatalf("want a *manifest.Error, got %v", err)
	return nil
}

func TestLoadFolderReportsEveryBrokenFile(t *testing.T) {
	loaded, err := Load("testdata")
	if len(loaded) != 10 {
		t.Errorf("want the 10 valid scenarios, got %d", len(loaded))
	}
	got := err.Error()
	for _, want := range []string{"invalid-not-scenario.yaml:4:7: kind: Canary is not a Scenario", "invalid-name.yaml:4:9", "broken-canary.yml:9:5"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

const inlineScenario = `apiVersion: rehearse.dev/v1alpha1
kind: Scenario
metadata:
  name: same
spec:
  inline: |
    apiVersion: flagger.app/v1beta1
    kind: Canary
    metadata: {name: app}
    spec: {targetRef: {kind: Deployment, name: app}, service: {port: 80}}
  release: {from: "app:1", to: "app:2"}
  versions: {"app:1": {}, "app:2": {}}
`

func TestLoadRefusesDuplicateNames(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.yaml", "b.yml", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(inlineScenario), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	loaded, err := Load(dir)
	if len(loaded) != 1 || err == nil {
		t.Fatalf("want one scenario and an error, got %d, %v", len(loaded), err)
	}
	want := filepath.Join(dir, "b.yml") + `:4:9: metadata.name: "same" is also the name of ` + filepath.Join(dir, "a.yaml")
	if !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestMissingPathsAndEmptyFiles(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"empty", "# nothing\n", "f.yaml: the file is empty"},
		{"two documents", inlineScenario + "---\n" + inlineScenario, "f.yaml:14: a scenario file holds one document"},
		{"no kind", "apiVersion: rehearse.dev/v1alpha1\n", "f.yaml:1:1: kind: missing: a scenario file says kind: Scenario"},
		{"list", "- a\n", "f.yaml:1:1: a scenario must be a mapping"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Load("testdata/no-such-folder"); err == nil || !strings.Contains(err.Error(), "no such file or folder") {
		t.Errorf("a missing path must be reported, got %v", err)
	}
}

func TestConfigEvents(t *testing.T) {
	s, err := LoadFile("testdata/valid-config-event.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []ConfigChange{
		{Kind: "ConfigMap", Name: "podinfo-config", Data: map[string]string{"PODINFO_UI_MESSAGE": "bonjour"}},
		{Kind: "Secret", Name: "podinfo-token", Data: map[string]string{"token": "two"}},
	}
	if len(s.Events) != len(want) {
		t.Fatalf("got %d events, want %d", len(s.Events), len(want))
	}
	for i, e := range s.Events {
		if e.Kind != EventConfig || e.Config == nil || e.Config.Kind != want[i].Kind || e.Config.Name != want[i].Name ||
			e.Config.Data[firstKey(want[i].Data)] != want[i].Data[firstKey(want[i].Data)] {
			t.Errorf("event %d = %+v (config %+v), want %+v", i, e, e.Config, want[i])
		}
	}
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}
