// This file tests `rehearse lint` as main runs it: exit codes for
// warnings, errors and the loader's refusals, --rules, and JSON findings
// sorted across files.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lintCanary is a Canary; analysis is the block under spec.analysis,
// indented by four spaces. "analysis:" is line 13.
func lintCanary(analysis string) string {
	return `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: podinfo
  namespace: test
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: podinfo
  service:
    port: 9898
  analysis:
` + analysis
}

const lintGood = `    interval: 1m
    maxWeight: 50
    stepWeight: 10
    metrics:
      - name: request-success-rate
        thresholdRange:
          min: 99
`

// lintFiles writes name → content into a new folder and returns it.
func lintFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// rehearseLint runs lintCommand as main would and returns the exit status.
func rehearseLint(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := exitCode(lintCommand(context.Background(), args, &out, &errOut), &errOut)
	return code, out.String(), errOut.String()
}

// TestLintExitCodes: 0 with no error finding (warnings allowed), 1 with
// one, 2 when the loader refuses the input for a reason that is no rule.
func TestLintExitCodes(t *testing.T) {
	cases := []struct {
		name   string
		file   string
		args   []string
		code   int
		stdout string // a part of stdout
		stderr string // a part of stderr
	}{
		{"clean", lintCanary(lintGood), nil, 0, "", "no problems found"},
		{"warning only", lintCanary(strings.Replace(lintGood, "1m", "5s", 1)), nil, 0,
			"canary.yaml:14: RH010 warning: interval 5s is below", "0 errors, 1 warning"},
		{"error finding", lintCanary(strings.Replace(lintGood, "stepWeight: 10", "stepWeight: 60", 1)), nil, 1,
			"canary.yaml:16: RH005 error: stepWeight 60 is above maxWeight 50", "1 error, 0 warnings"},
		{"loader refusal that is a rule", lintCanary(strings.Replace(lintGood, "request-success-rate", "error-rate", 1)), nil, 1,
			"canary.yaml:18: RH001 error: spec.analysis.metrics[0].name", "only its checks ran"},
		{"loader refusal", lintCanary(strings.Replace(lintGood, "maxWeight", "maxWieght", 1)), nil, 2,
			"", `spec.analysis.maxWieght: unknown field; did you mean "maxWeight"?`},
		{"github format", lintCanary(strings.Replace(lintGood, "stepWeight: 10", "stepWeight: 60", 1)), []string{"--format", "github"}, 1,
			",line=16,title=RH005::stepWeight 60", ""},
		{"unknown format", lintCanary(lintGood), []string{"--format", "xml"}, 2, "", `unknown --format "xml"`},
		{"unknown flag", lintCanary(lintGood), []string{"--strict"}, 2, "", "unknown flag: --strict"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := lintFiles(t, map[string]string{"canary.yaml": tc.file})
			code, stdout, stderr := rehearseLint(t, append(tc.args, dir)...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s\nwant %q on stdout and %q on stderr", code, tc.code, stdout, stderr, tc.stdout, tc.stderr)
			}
		})
	}
}

func TestLintNeedsPaths(t *testing.T) {
	if code, _, stderr := rehearseLint(t); code != exitBadInput || !strings.Contains(stderr, "at least one manifest") {
		t.Errorf("no paths: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := rehearseLint(t, filepath.Join(t.TempDir(), "nope.yaml")); code != exitBadInput || !strings.Contains(stderr, "nope.yaml: no such file") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

func TestLintRules(t *testing.T) {
	code, stdout, _ := rehearseLint(t, "--rules")
	if code != exitOK || !strings.Contains(stdout, "RH001  error") || !strings.Contains(stdout, "RH017  warning") {
		t.Errorf("--rules: exit %d\n%s", code, stdout)
	}
}

// TestLintJSONAcrossFiles: findings from several files come sorted by
// file and line, on the lines of their fields, and a templateRef resolves
// across files.
func TestLintJSONAcrossFiles(t *testing.T) {
	analysis := strings.Replace(lintGood, "1m", "5s", 1) + `      - name: errors
        templateRef:
          name: errors
`
	tpl := `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: errors
  namespace: test
spec:
  provider:
    type: prometheus
    address: http://prometheus.test:9090
  query: 'sum(rate(errors{region="{{ variables.region }}"}[{{ interval }}]))'
`
	dir := lintFiles(t, map[string]string{"a-canary.yaml": lintCanary(analysis), "b-template.yaml": tpl})
	code, stdout, stderr := rehearseLint(t, "--format", "json", dir)
	var got []struct {
		Rule string
		File string
		Line int
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	want := []string{"RH010 a-canary.yaml:14", "RH003 a-canary.yaml:21"}
	if code != exitFailed || len(got) != len(want) || stderr != "" {
		t.Fatalf("exit %d, stderr %q, findings %+v; want exit 1, no stderr, %v", code, stderr, got, want)
	}
	for i, f := range got {
		if s := fmt.Sprintf("%s %s:%d", f.Rule, filepath.Base(f.File), f.Line); s != want[i] {
			t.Errorf("finding %d is %s, want %s", i, s, want[i])
		}
	}
}
