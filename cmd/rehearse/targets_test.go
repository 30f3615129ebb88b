package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/reports"
)

const targetPatterns = "../../fixtures/patterns/"

// TestTargetPatterns rehearses the target patterns of fixtures/patterns:
// every scenario in a pattern's folder meets its expectations (the verdict
// Flagger would reach), and `validate` on its manifests gives the verdict
// the Canary earns.
func TestTargetPatterns(t *testing.T) {
	cases := []struct {
		pattern   string
		scenarios int
		validate  int    // validate's exit code
		want      string // in validate's output
	}{
		{"daemonset", 2, 0, "3 passed, 0 failed"},
		// Flagger's own DaemonSet e2e shape: its builtin queries measure the
		// primary's pods, so a bad release is promoted, and validate says so.
		{"daemonset-kubernetes", 2, 1, "so Flagger measures the primary"},
		{"knative-no-service", 2, 0, "3 passed, 0 failed"},
		{"hpa", 2, 0, "3 passed, 0 failed"},
		{"keda", 2, 0, "2 passed, 0 failed"},
		{"configmap-tracking", 3, 0, "2 passed, 0 failed"},
		{"not-ready-deadline", 3, 0, "2 passed, 0 failed"},
	}
	for _, c := range cases {
		t.Run(c.pattern, func(t *testing.T) {
			dir := targetPatterns + c.pattern
			code, out, errOut := rehearse(t, "run", "--out", t.TempDir(), dir)
			if want := passed(c.scenarios); code != 0 || !strings.Contains(out, want) {
				t.Errorf("run %s: exit %d, want 0 and %q\n%s%s", dir, code, want, out, errOut)
			}
			code, out, errOut = rehearse(t, "validate", "--out", t.TempDir(), dir+"/manifests")
			if code != c.validate || !strings.Contains(out+errOut, c.want) {
				t.Errorf("validate %s: exit %d, want %d and %q\n%s%s", dir, code, c.validate, c.want, out, errOut)
			}
		})
	}
}

func passed(n int) string { return strconv.Itoa(n) + " passed, 0 failed" }

// TestUnsupportedTargetRefusedByEveryCommand: a Canary rehearse cannot
// rehearse (a Kubernetes Service target) is refused by every command alike,
// exit 2, with the file, line and sentence of the one manifest check.
func TestUnsupportedTargetRefusedByEveryCommand(t *testing.T) {
	dir := targetPatterns + "unsupported-target"
	want := "unsupported-target/manifests/canary.yaml:13:11: spec.targetRef.kind: a Kubernetes Service target"
	for _, args := range [][]string{
		{"run", "--out", t.TempDir(), dir},
		{"validate", "--out", t.TempDir(), dir + "/manifests"},
		{"lint", dir + "/manifests"},
		{"sweep", "--out", t.TempDir(), "--set", "spec.analysis.threshold=1,2", "--seeds", "2", dir},
		{"chaos", "--out", t.TempDir(), dir},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, out, errOut := rehearse(t, args...)
			if code != 2 || !strings.Contains(errOut, want) {
				t.Errorf("exit %d, want 2 with %q on stderr\nstdout: %s\nstderr: %s", code, want, out, errOut)
			}
		})
	}
}

// TestPatternReportsShowTheCopies: a run's report says which -primary
// copies initialization made: the autoscaler's and the tracked configs'.
func TestPatternReportsShowTheCopies(t *testing.T) {
	cases := map[string]string{
		"hpa/good-release.yaml":                 "HorizontalPodAutoscaler checkout-primary (min 3, max 10, scaling Deployment checkout-primary)",
		"keda/good-release.yaml":                "KEDA ScaledObject worker-primary (min 3, max 8, scaling worker-primary)",
		"configmap-tracking/config-change.yaml": "ConfigMap podinfo-config-primary, Secret podinfo-token-primary",
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			out := t.TempDir()
			if code, stdout, stderr := rehearse(t, "run", "--out", out, targetPatterns+file); code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			matches, _ := filepath.Glob(filepath.Join(out, "*", "report.json"))
			if len(matches) != 1 {
				t.Fatalf("want one report, got %v", matches)
			}
			data, err := os.ReadFile(matches[0])
			if err != nil {
				t.Fatal(err)
			}
			var r reports.Run
			if err := json.Unmarshal(data, &r); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(r.Notes, "\n"), want) {
				t.Errorf("notes %q, want one naming %q", r.Notes, want)
			}
		})
	}
}

// TestKnativeRealTrafficRefused: real traffic cannot serve revisions, and
// says so before anything starts.
func TestKnativeRealTrafficRefused(t *testing.T) {
	code, _, errOut := rehearse(t, "run", "--out", t.TempDir(), "--traffic", "real", targetPatterns+"knative-no-service/good-release.yaml")
	if code != 2 || !strings.Contains(errOut, "good-release.yaml: --traffic real runs one primary and one canary workload, not a Knative Service's revisions") {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
}
