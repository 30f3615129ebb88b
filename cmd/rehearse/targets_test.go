// This file runs the target patterns of fixtures/patterns (DaemonSet,
// Knative, HPA, KEDA, tracked configs): each meets its expectations, an
// unsupported target is refused by every command, reports name the copies.

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

// TestTargetPatterns runs the scenarios of the target patterns of
// fixtures/patterns: each meets its expectations, the verdict Flagger would
// reach (the validate verdicts are in each folder's VERDICTS, which
// TestPatternVerdicts checks).
func TestTargetPatterns(t *testing.T) {
	cases := []struct {
		pattern   string
		scenarios int
	}{
		{"daemonset", 2}, {"daemonset-kubernetes", 2}, {"knative-no-service", 2}, {"hpa", 2}, {"keda", 2},
		{"configmap-tracking", 3}, {"not-ready-deadline", 3},
	}
	for _, c := range cases {
		t.Run(c.pattern, func(t *testing.T) {
			dir := targetPatterns + c.pattern
			code, out, errOut := rehearse(t, "run", "--out", t.TempDir(), dir)
			if want := passed(c.scenarios); code != 0 || !strings.Contains(out, want) {
				t.Errorf("run %s: exit %d, want 0 and %q\n%s%s", dir, code, want, out, errOut)
			}
		})
	}
}

// TestDaemonSetBuiltinMetricsWarning: validate says why the kubernetes
// provider's builtin checks cannot catch a bad DaemonSet release.
func TestDaemonSetBuiltinMetricsWarning(t *testing.T) {
	code, out, errOut := rehearse(t, "validate", "--out", t.TempDir(), targetPatterns+"daemonset-kubernetes/manifests")
	if code != 1 || !strings.Contains(out+errOut, "a DaemonSet's canary pods (podinfo-ds-<a>) never match and its primary's (podinfo-ds-primary-<a>) do, so Flagger measures the primary") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
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
