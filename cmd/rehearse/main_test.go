// This file tests `rehearse run`: its exit codes and reports, a suspended
// Canary skipped in every report, and kind without Docker (exit 3); it
// holds rehearse, the helper that runs a command line in-process.

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/sim/backend/kind"
)

func rehearse(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestRunExitCodes: 0 when every expectation holds, 1 when one fails, 2 on
// bad input, with the file and line of the problem on stderr.
func TestRunExitCodes(t *testing.T) {
	lib := "../../scenarios/library/"
	bad := "../../scenarios/testdata/"
	cases := []struct {
		name string
		args []string
		code int
		want string // on stderr for 2, on stdout otherwise
	}{
		{"passing scenarios", []string{"run", lib + "good-release.yaml", lib + "bad-release.yaml"}, 0, "2 passed, 0 failed"},
		{"failed expectation", []string{"run", "testdata/wrong-expectation.yaml"}, 1, "0 passed, 1 failed"},
		{"suspended Canary", []string{"run", "../../fixtures/patterns/suspended/scenarios"}, 0, "0 passed, 0 failed, 1 skipped"},
		{"unknown field", []string{"run", bad + "invalid-unknown-field.yaml"}, 2, "invalid-unknown-field.yaml:"},
		{"wrong type", []string{"run", bad + "invalid-wrong-type.yaml"}, 2, "invalid-wrong-type.yaml:"},
		{"missing manifest", []string{"run", bad + "invalid-missing-manifest.yaml"}, 2, "invalid-missing-manifest.yaml:"},
		{"bad duration", []string{"run", bad + "invalid-bad-duration.yaml"}, 2, "invalid-bad-duration.yaml:"},
		{"bad series notation", []string{"run", bad + "invalid-series.yaml"}, 2, "invalid-series.yaml:"},
		{"unknown metric name", []string{"run", bad + "invalid-canary-metric.yaml"}, 2, "no builtin name, templateRef or query"},
		{"malformed manifest", []string{"run", bad + "invalid-bad-manifest.yaml"}, 2, "broken-canary.yml:9:5: spec.analysis.treshold: unknown field; did you mean \"threshold\"?"},
		{"no such file", []string{"run", "does-not-exist.yaml"}, 2, "does-not-exist.yaml"},
		{"no paths", []string{"run"}, 2, "at least one scenario"},
		{"unknown flag", []string{"run", "--bogus", lib}, 2, "bogus"},
		{"unknown cluster", []string{"run", "--cluster", "moon", lib + "good-release.yaml"}, 2, "moon"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"no command", nil, 2, "Usage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if len(args) > 0 && args[0] == "run" {
				args = append([]string{"run", "--out", t.TempDir()}, args[1:]...)
			}
			code, out, errOut := rehearse(t, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			where := out
			if c.code == 2 {
				where = errOut
			}
			if !strings.Contains(where, c.want) {
				t.Errorf("output lacks %q:\nstdout: %s\nstderr: %s", c.want, out, errOut)
			}
			if strings.Contains(errOut, "goroutine ") || strings.Contains(errOut, "panic") {
				t.Errorf("a stack trace reached the user:\n%s", errOut)
			}
		})
	}
}

func TestRunWritesReports(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := rehearse(t, "run", "--out", dir, "../../scenarios/library/bad-release.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, f := range []string{"bad-release/report.json", "bad-release/report.md", "junit.xml", "summary.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
}

// TestRunSkipsASuspendedCanary: a scenario whose Canary is suspended and
// which expects nothing is skipped, with Flagger's reason, in every report.
func TestRunSkipsASuspendedCanary(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := rehearse(t, "run", "--out", dir, "../../fixtures/patterns/suspended/scenarios")
	if code != 0 || !strings.Contains(out, "SKIPPED") {
		t.Fatalf("exit %d, want 0 with the run SKIPPED\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	want := map[string]string{
		"junit.xml":             `<skipped message="suspend: true: Flagger does not analyse this Canary">`,
		"suspended/report.json": `"skipped": "suspend: true: Flagger does not analyse this Canary"`,
		"suspended/report.md":   "⏭️ ledger was not rehearsed: suspend: true: Flagger does not analyse this Canary.",
		"summary.md":            "| ⏭️ skipped |",
	}
	for file, text := range want {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil || !strings.Contains(string(b), text) {
			t.Errorf("%s lacks %q (err %v):\n%s", file, text, err, b)
		}
	}
}

// TestKindWithoutDocker: on a machine with no Docker engine the kind
// backend fails at once, saying what is missing, with exit status 3.
func TestKindWithoutDocker(t *testing.T) {
	if err := kind.CheckDocker(context.Background()); err == nil {
		t.Skip("a Docker engine is running here: the kind suite covers this backend")
	}
	code, _, errOut := rehearse(t, "run", "--cluster", "kind", "--out", t.TempDir(), "../../scenarios/library/good-release.yaml")
	if code != 3 || !strings.Contains(errOut, "kind needs a running Docker engine") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
