// This file tests MetricTemplate providers: each provider fixture is
// rehearsed as written, one rehearse cannot rehearse is refused by lint,
// validate and run alike, and failed checks read as Flagger's would.

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestProviderFixturesRehearsedAsWritten: each MetricTemplate provider
// rehearse has a stand-in for is rehearsed as written, never stubbed (the
// verdicts themselves are in each fixture's VERDICTS, see patterns_test.go).
func TestProviderFixturesRehearsedAsWritten(t *testing.T) {
	for _, dir := range []string{"datadog-template", "cloudwatch-template", "newrelic-template", "graphite-template", "dynatrace-template"} {
		t.Run(dir, func(t *testing.T) {
			code, out, errOut := rehearseValidate(t, filepath.Join("../../fixtures/patterns", dir))
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			if strings.Contains(out+errOut, "not simulate") || strings.Contains(out+errOut, "cannot produce") {
				t.Errorf("the fixture's templates were not rehearsed as written:\n%s%s", out, errOut)
			}
		})
	}
}

// writeFiles writes files (name → content) into a new folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func fixtureFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../fixtures/patterns", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const refusedTemplate = `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: datadog-error-percentage
  namespace: shop
spec:
  provider:
    type: stackdriver
    secretRef:
      name: gcp
  query: |
    fetch k8s_container | metric 'custom.googleapis.com/http_errors' | align rate(1m)
---
apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: datadog-p99-latency
  namespace: shop
spec:
  provider: {type: prometheus, address: "http://prometheus:9090"}
  query: histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{destination_workload="{{ target }}"}[1m])) by (le)) / 1000
`

const scenarioOn = `apiVersion: rehearse.dev/v1alpha1
kind: Scenario
metadata:
  name: provider
spec:
  manifests: [deployment.yaml, canary.yaml, metric-templates.yaml]
  release:
    from: registry.example.com/checkout:1.4.0
    to: registry.example.com/checkout:1.5.0
  versions:
    "registry.example.com/checkout:1.4.0": {}
    "registry.example.com/checkout:1.5.0": {}
  traffic: {rps: 20}
  expect:
    outcome: Failed
`

// TestRefusedProvider: a template of a provider rehearse cannot rehearse
// is refused by lint, validate and run alike, with exit 2, its file and
// line, and a sentence naming the provider.
func TestRefusedProvider(t *testing.T) {
	dir := writeFiles(t, map[string]string{"deployment.yaml": fixtureFile(t, "datadog-template", "deployment.yaml"),
		"canary.yaml": fixtureFile(t, "datadog-template", "canary.yaml"), "metric-templates.yaml": refusedTemplate,
		"scenario.yaml": scenarioOn})
	want := regexp.MustCompile(`metric-templates.yaml:8:\d+: spec.provider.type: provider type stackdriver is supported by Flagger, but rehearse cannot rehearse it`)
	for _, c := range []struct {
		name string
		cmd  func(context.Context, []string, *bytes.Buffer, *bytes.Buffer) error
		args []string
	}{
		{"lint", func(ctx context.Context, a []string, o, e *bytes.Buffer) error { return lintCommand(ctx, a, o, e) }, []string{dir}},
		{"validate", func(ctx context.Context, a []string, o, e *bytes.Buffer) error { return validateCommand(ctx, a, o, e) }, []string{"--out", t.TempDir(), dir}},
		{"run", func(ctx context.Context, a []string, o, e *bytes.Buffer) error { return runCommand(ctx, a, o, e) },
			[]string{"--out", t.TempDir(), filepath.Join(dir, "scenario.yaml")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := exitCode(c.cmd(context.Background(), c.args, &out, &errOut), &errOut)
			if code != exitBadInput || !want.MatchString(out.String()+errOut.String()) {
				t.Errorf("exit %d, want %d with %q; output:\n%s%s", code, exitBadInput, want, out.String(), errOut.String())
			}
		})
	}
}

// TestProviderRunFailures: a rehearsal fails a check the way Flagger would
// (a Secret without a key Flagger's provider reads), and says when a query
// is beyond the stand-in (an application metric), never inventing a value.
func TestProviderRunFailures(t *testing.T) {
	templates := fixtureFile(t, "datadog-template", "metric-templates.yaml")
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"secret without the application key", "  datadog_application_key: not-a-real-application-key\n", "",
			[]string{`datadog credentials have no \"datadog_application_key\" key`}},
		{"application metric", "p99:trace.http.request{", "avg:orders.queue{",
			[]string{"cannot produce datadog data `avg:orders.queue{kube_deployment:checkout,kube_namespace:shop}` (orders.queue is neither a request count, an error count nor a latency) for metric `p99-latency`"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(templates, c.old) {
				t.Fatalf("the fixture does not hold %q", c.old)
			}
			dir := writeFiles(t, map[string]string{"deployment.yaml": fixtureFile(t, "datadog-template", "deployment.yaml"),
				"canary.yaml": fixtureFile(t, "datadog-template", "canary.yaml"), "scenario.yaml": scenarioOn,
				"metric-templates.yaml": strings.Replace(templates, c.old, c.new, 1)})
			out := t.TempDir()
			var stdout, stderr bytes.Buffer
			code := exitCode(runCommand(context.Background(), []string{"--out", out, filepath.Join(dir, "scenario.yaml")}, &stdout, &stderr), &stderr)
			if code != 0 {
				t.Fatalf("exit %d, want the rollback expected:\n%s%s", code, stdout.String(), stderr.String())
			}
			report, err := os.ReadFile(filepath.Join(out, "provider", "report.json"))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(report), w) {
					t.Errorf("report.json does not say %q", w)
				}
			}
		})
	}
}
