// This file tests `rehearse validate` on the GitOps example repository:
// exit codes, GitHub annotations and step summary, the reports it writes,
// and a benchmark of the whole command.

package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const exampleRepo = "../../fixtures/gitops-example"

// rehearseValidate runs validateCommand as main would, with reports in a
// new folder, and returns the exit status and the outputs.
func rehearseValidate(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := exitCode(validateCommand(context.Background(), append([]string{"--out", t.TempDir()}, args...), &out, &errOut), &errOut)
	return code, out.String(), errOut.String()
}

// exampleCopy copies the example repository into a new folder, replacing
// old by new (exactly once) in the file at rel, and returns the folder.
func exampleCopy(t *testing.T, rel, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(exampleRepo, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		r, _ := filepath.Rel(exampleRepo, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if filepath.ToSlash(r) == rel {
			if strings.Count(string(data), old) != 1 {
				return fmt.Errorf("%s holds %q %d times, want once", rel, old, strings.Count(string(data), old))
			}
			data = []byte(strings.Replace(string(data), old, new, 1))
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(r)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, r), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// lineOf is the 1-based line of the first line of file holding text.
func lineOf(t *testing.T, file, text string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s does not hold %q", file, text)
	return 0
}

const podinfoCanary = "apps/podinfo/canary.yaml"

// TestValidateExitCodes: 0 when every policy holds, 1 when one does not
// (with a message naming it), 2 on bad input (with the file and line).
func TestValidateExitCodes(t *testing.T) {
	threshold := exampleCopy(t, podinfoCanary, "threshold: 5", "threshold: 100")
	refTypo := exampleCopy(t, podinfoCanary, "          name: not-found-percentage", "          name: not-found-percentag")
	seriesTypo := exampleCopy(t, "apps/podinfo/metric-template.yaml", "            istio_requests_total{\n              reporter=\"destination\",\n              destination_workload_namespace=\"{{ namespace }}\",\n              destination_workload=\"{{ target }}\"\n", "            istio_request_total{\n              reporter=\"destination\",\n              destination_workload_namespace=\"{{ namespace }}\",\n              destination_workload=\"{{ target }}\"\n")
	badAnnotation := exampleCopy(t, "apps/checkout/canary.yaml", "rehearse.dev/max-rollback-time: 5m", "rehearse.dev/max-rollback-time: five minutes")
	suspended := exampleCopy(t, podinfoCanary, "  provider: istio\n", "  provider: istio\n  suspend: true\n")
	cases := []struct {
		name string
		args []string
		code int
		want []string // on stderr for 2, on stdout otherwise
	}{
		{"example repository", []string{exampleRepo}, 0, []string{"8 passed, 0 failed", "cannot produce series `checkout_payment_queue_depth", "for metric `payment-queue-depth`"}},
		{"threshold never reached", []string{threshold}, 1, []string{
			"FAILED " + filepath.Join(threshold, podinfoCanary) + ":3: bad-release: prod/podinfo must roll back a release that fails 50% of its requests within 10m0s, but it was rolled back after 1h43m0s",
			"slow-release: prod/podinfo must roll back", "analysis.threshold (100) failed checks", "5 passed, 3 failed"}},
		{"misspelt templateRef", []string{refTypo}, 2, []string{
			filepath.Join(refTypo, podinfoCanary) + ":", "MetricTemplate prod/not-found-percentag is not in the manifests", `did you mean "prod/not-found-percentage"?`}},
		{"misspelt series in a template", []string{seriesTypo}, 1, []string{
			"good-release: prod/podinfo must promote a healthy release within 11m0s, but it was rolled back",
			"no values found for metric not-found-percentage", "did you mean istio_requests_total?"}},
		{"bad annotation", []string{badAnnotation}, 2, []string{
			fmt.Sprintf("%s:%d:", filepath.Join(badAnnotation, "apps/checkout/canary.yaml"), lineOf(t, filepath.Join(badAnnotation, "apps/checkout/canary.yaml"), "max-rollback-time: five")),
			`"five minutes" is not a duration`}},
		{"own scenario alongside", []string{"--scenarios", "../../scenarios/library/good-release.yaml", exampleRepo}, 0, []string{"9 passed, 0 failed", "good-release  "}},
		{"own failing scenario", []string{"--scenarios", "testdata/wrong-expectation.yaml", exampleRepo}, 1, []string{"8 passed, 1 failed", "FAILED testdata/wrong-expectation.yaml: scenario"}},
		{"broken own scenario", []string{"--scenarios", "../../scenarios/testdata/invalid-bad-duration.yaml", exampleRepo}, 2, []string{"invalid-bad-duration.yaml:"}},
		{"suspended Canary", []string{suspended}, 0, []string{"4 passed, 0 failed",
			"skipped prod/podinfo bad-release: suspend: true: Flagger does not analyse this Canary",
			"skipped prod/podinfo good-release: suspend: true: Flagger does not analyse this Canary"}},
		{"only a suspended Canary", []string{"../../fixtures/patterns/suspended"}, 0, []string{"0 passed, 0 failed, 4 skipped",
			"skipped finance/ledger failing-pre-rollout: suspend: true"}},
		{"no manifests", nil, 2, []string{"needs your manifests"}},
		{"no Canary", []string{"../../fixtures/podinfo/deployment.yaml"}, 2, []string{"no Canary in"}},
		{"missing folder", []string{"does-not-exist"}, 2, []string{"does-not-exist: no such file or folder"}},
		{"unknown flag", []string{"--bogus", exampleRepo}, 2, []string{"bogus"}},
		{"unknown format", []string{"--format", "xml", exampleRepo}, 2, []string{`unknown --format "xml"`}},
		{"zero rollback budget", []string{"--max-rollback-time", "0s", exampleRepo}, 2, []string{"--max-rollback-time must be longer than zero"}},
		{"bad budget", []string{"--max-rollback-time", "soon", exampleRepo}, 2, []string{"max-rollback-time"}},
		{"unknown provider", []string{"--provider", "istoi", exampleRepo}, 2, []string{`--provider: "istoi" is not a provider Flagger knows`, `did you mean "istio"?`}},
		{"unknown cluster", []string{"--cluster", "moon", exampleRepo}, 2, []string{"moon"}},
		{"tight rollback budget", []string{"--max-rollback-time", "3m", exampleRepo}, 1, []string{"bad-release: prod/podinfo must roll back", "it was rolled back after 8m0s"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := rehearseValidate(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			where := out
			if c.code == exitBadInput {
				where = errOut
			}
			for _, w := range c.want {
				if !strings.Contains(where, w) {
					t.Errorf("output lacks %q:\nstdout: %s\nstderr: %s", w, out, errOut)
				}
			}
			if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, "panic") {
				t.Errorf("a stack trace reached the user:\n%s", errOut)
			}
		})
	}
}

// TestValidateGitHub: annotations point at the Canary's file and line, and
// the summary is appended to the job summary.
func TestValidateGitHub(t *testing.T) {
	repo := exampleCopy(t, podinfoCanary, "threshold: 5", "threshold: 100")
	summary := filepath.Join(t.TempDir(), "step-summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	code, out, errOut := rehearseValidate(t, "--format", "github", repo)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	file := filepath.Join(repo, podinfoCanary)
	line := lineOf(t, file, "apiVersion: flagger.app/v1beta1")
	for _, policy := range []string{"bad-release", "slow-release", "failing-pre-rollout"} {
		want := fmt.Sprintf("::error file=%s,line=%d,title=%s::%s: prod/podinfo must roll back", file, line, policy, policy)
		if !strings.Contains(out, want) {
			t.Errorf("no annotation %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "title=good-release") {
		t.Errorf("the passing good-release was annotated:\n%s", out)
	}
	checkout := filepath.Join(repo, "apps/checkout/canary.yaml")
	notice := fmt.Sprintf("::notice file=%s,line=%d,title=rehearse prod/checkout::cannot produce series `checkout_payment_queue_depth", checkout, lineOf(t, checkout, "apiVersion: flagger.app/v1beta1"))
	if !strings.Contains(out, notice) {
		t.Errorf("no notice %q in:\n%s", notice, out)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(data); !strings.HasPrefix(s, "earlier step\n# Canary policy validation\n\n❌ **3 of 8 checks failed**") {
		t.Errorf("step summary not appended as expected:\n%s", s)
	}
}

// TestValidateWritesReports: rehearse run's layout, one JUnit test case per
// Canary and policy, and the validation's summary.
func TestValidateWritesReports(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if err := validateCommand(context.Background(), []string{"--out", dir, exampleRepo}, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	for _, f := range []string{"podinfo-bad-release/report.json", "checkout-good-release/report.md", "junit.xml", "summary.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	var junit struct {
		Cases []struct {
			Class string `xml:"classname,attr"`
			Name  string `xml:"name,attr"`
		} `xml:"testsuite>testcase"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &junit); err != nil {
		t.Fatal(err)
	}
	if len(junit.Cases) != 8 || junit.Cases[0].Class != "prod/checkout" || junit.Cases[0].Name != "checkout-bad-release" {
		t.Errorf("junit test cases = %+v, want 8 starting with prod/checkout checkout-bad-release", junit.Cases)
	}
	summary, err := os.ReadFile(filepath.Join(dir, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(summary), "# Canary policy validation\n\n✅ **All 8 checks passed.**") {
		t.Errorf("summary.md does not start with the verdict:\n%s", summary)
	}
	notes, err := os.ReadFile(filepath.Join(dir, "checkout-good-release/report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(notes), "checkout_payment_queue_depth") {
		t.Errorf("the run's report lacks the rehearsal's note:\n%s", notes)
	}
}

// BenchmarkValidateExample is the whole command on the example repository:
// load, plan, eight rehearsals on the memory cluster, every report.
func BenchmarkValidateExample(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		var out, errOut bytes.Buffer
		if err := validateCommand(context.Background(), []string{"--out", dir, exampleRepo}, &out, &errOut); err != nil {
			b.Fatalf("%v\n%s", err, errOut.String())
		}
	}
}
