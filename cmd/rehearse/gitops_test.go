// This file tests validate, lint and run on a Flux repository of kustomize
// overlays: each overlay's Canary rehearsed as patched and named after it,
// findings at the patch's line, a broken patch refused as bad input.

package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const fluxRepo = "../../fixtures/flux-repo"

// fluxCopy copies the Flux fixture repository into a new folder, replacing
// old by new (exactly once) in the file at rel.
func fluxCopy(t *testing.T, rel, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(fluxRepo, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		r, _ := filepath.Rel(fluxRepo, p)
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

// fluxClone is a copy of the Flux repository fixture with a .git folder,
// as a clone has: naming one overlay of it then reads its bases, above the
// overlay but inside the repository, wherever the checkout is (a source
// tarball of rehearse has no .git around the fixture).
func fluxClone(t *testing.T) string {
	t.Helper()
	dir := fluxCopy(t, "", "", "")
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestValidateOverlayWithoutGit: with no .git above it, the folder named is
// the repository, so an overlay's base above it is refused, and the error
// says why and what to name instead.
func TestValidateOverlayWithoutGit(t *testing.T) {
	dir := filepath.Join(fluxCopy(t, "", "", ""), "apps/overlays/prod")
	code, out, errOut := rehearseValidate(t, "--out", t.TempDir(), dir)
	want := "is outside the repository " + dir + " (no folder at or above it holds .git, so rehearse takes the folder you named as the repository: name the repository's root folder instead)"
	if code != 2 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 2 with %q\n%s%s", code, want, out, errOut)
	}
}

// TestValidateFluxRepo: validate on a Flux repository rehearses each
// overlay's Canary as the overlay patches it, names each after its
// overlay, and names the HelmRelease it does not render.
func TestValidateFluxRepo(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr strings.Builder
	code := exitCode(validateCommand(t.Context(), []string{"--out", out, fluxRepo}, &stdout, &stderr), &stderr)
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{
		"apps-overlays-prod-podinfo-bad-release", "apps/overlays/prod: podinfo/podinfo",
		"apps-overlays-staging-podinfo-bad-release", "apps/overlays/staging: podinfo/podinfo",
		"warning " + filepath.Join(fluxRepo, "clusters/prod/ingress-nginx.yaml") + ":3: HelmRelease flux-system/ingress-nginx: not rendered: rehearse does not run Helm",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	// The rehearsals judged the overlays' own thresholds: prod rolls back
	// below 99.5% after 2 failed checks, staging below 95% after 6.
	for scenario, want := range map[string]string{
		"apps-overlays-prod-podinfo-bad-release":    "request-success-rate 50.00 < 99.50 (failed checks 2 of 2)",
		"apps-overlays-staging-podinfo-bad-release": "request-success-rate 50.00 < 95.00 (failed checks 6 of 6)",
	} {
		data, err := os.ReadFile(filepath.Join(out, scenario, "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(data) || !strings.Contains(string(data), want) {
			t.Errorf("%s/report.json does not say %q", scenario, want)
		}
	}
}

// TestValidateFluxPlan: the plan holds each overlay's Canary exactly as
// the overlay renders it.
func TestValidateFluxPlan(t *testing.T) {
	plan, _, err := loadValidation(validateConfig{manifests: []string{fluxRepo}, maxRollback: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"apps/overlays/prod: podinfo/podinfo":    "interval 30s, threshold 2, success ≥ 99.5, duration ≤ 250",
		"apps/overlays/staging: podinfo/podinfo": "interval 1m, threshold 6, success ≥ 95, duration ≤ 500",
	}
	seen := 0
	for _, r := range plan.Rehearsals {
		a := r.Scenario.Canary.Spec.Analysis
		got := fmt.Sprintf("interval %s, threshold %d, success ≥ %v, duration ≤ %v", a.Interval, a.Threshold, *a.Metrics[0].ThresholdRange.Min, *a.Metrics[1].ThresholdRange.Max)
		if want[r.Canary] != got {
			t.Errorf("%s (%s) rehearses %s, want %s", r.Canary, r.Policy, got, want[r.Canary])
		}
		seen++
	}
	if seen != 6 {
		t.Errorf("%d rehearsals, want 3 policies for each of the 2 overlays", seen)
	}
}

// TestValidateFluxOverlayAlone: one overlay folder is rehearsed on its
// own, with its own thresholds, and with no build named in the reports.
func TestValidateFluxOverlayAlone(t *testing.T) {
	out := t.TempDir()
	code, stdout, errOut := rehearseValidate(t, "--out", out, filepath.Join(fluxClone(t), "apps/overlays/prod"))
	if code != 0 || !regexp.MustCompile(`(?m)^podinfo-bad-release +podinfo/podinfo `).MatchString(stdout) {
		t.Fatalf("exit %d, want 0 with the prod Canary rehearsed\n%s%s", code, stdout, errOut)
	}
	data, err := os.ReadFile(filepath.Join(out, "podinfo-bad-release", "report.json"))
	if err != nil || !strings.Contains(string(data), "request-success-rate 50.00 < 99.50") {
		t.Errorf("the bad release was not judged by the prod threshold 99.5 (%v)", err)
	}
}

// TestValidateFluxBrokenPatch: a patch kustomize cannot apply is bad
// input, at the line of the kustomization that holds it.
func TestValidateFluxBrokenPatch(t *testing.T) {
	dir := fluxCopy(t, "apps/overlays/prod/kustomization.yaml", "/spec/analysis/metrics/1/thresholdRange/max", "/spec/analysis/metrics/7/thresholdRange/max")
	code, out, errOut := rehearseValidate(t, dir)
	want := filepath.Join(dir, "apps/overlays/prod/kustomization.yaml") + ":22: kustomize build of"
	if code != 2 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 2 with %q\n%s%s", code, want, out, errOut)
	}
}

// TestLintFluxRepo: lint's findings about a rendered Canary point at the
// patch that wrote the field, and a finding both overlays share once.
func TestLintFluxRepo(t *testing.T) {
	dir := fluxCopy(t, "apps/overlays/staging/canary-steps.yaml", "stepWeight: 25", "stepWeight: 60")
	code, out, errOut := rehearseLint(t, "--format", "json", dir)
	var findings []struct {
		Rule, File, Field string
		Line              int
	}
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", code, err, out, errOut)
	}
	patch := filepath.Join(dir, "apps/overlays/staging/canary-steps.yaml")
	found := false
	for _, f := range findings {
		if f.Field == "spec.analysis.stepWeight" {
			found = true
			if f.File != patch || f.Line != 7 {
				t.Errorf("%s finding at %s:%d, want the staging patch %s:7", f.Rule, f.File, f.Line, patch)
			}
		}
	}
	if !found {
		t.Errorf("no finding about the staging stepWeight above maxWeight:\n%s", out)
	}
	if code, out, errOut := rehearseLint(t, fluxRepo); code != 0 {
		t.Errorf("lint of the fixture: exit %d, want 0\n%s%s", code, out, errOut)
	}
}

// TestRunScenarioOnOverlay: a scenario's manifests may be an overlay
// folder (rendered as validate renders it); a repository holding several
// overlays of the Canary is refused with the overlays named.
func TestRunScenarioOnOverlay(t *testing.T) {
	repo := fluxClone(t)
	abs := func(rel string) string {
		p, err := filepath.Abs(filepath.Join(repo, rel))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	scenario := func(manifests string) string {
		return writeFile(t, t.TempDir(), "overlay.yaml", []byte(`apiVersion: rehearse.dev/v1alpha1
kind: Scenario
metadata:
  name: prod-overlay
spec:
  manifests: [`+quote(manifests)+`]
  release:
    from: ghcr.io/stefanprodan/podinfo:6.5.1
    to: ghcr.io/stefanprodan/podinfo:6.5.2
  versions:
    "ghcr.io/stefanprodan/podinfo:6.5.1": {}
    "ghcr.io/stefanprodan/podinfo:6.5.2": {}
  expect:
    outcome: Succeeded
    within: 10m
`))
	}
	code, out, errOut := rehearse(t, "run", "--out", t.TempDir(), scenario(abs("apps/overlays/prod")))
	if code != 0 {
		t.Errorf("the prod overlay: exit %d, want 0\n%s%s", code, out, errOut)
	}
	code, out, errOut = rehearse(t, "run", "--out", t.TempDir(), scenario(abs(".")))
	if code != 2 || !strings.Contains(errOut, "2 builds of the same objects (apps/overlays/prod, apps/overlays/staging): give the folder of one of them") {
		t.Errorf("the whole repository: exit %d, want 2 naming the overlays\n%s%s", code, out, errOut)
	}
}
