// This file holds one exit-code test per command, each case run as a real
// process on the built binary: 0 held, 1 failed, 2 bad input or nothing to
// check, 3 the environment cannot run it, 130 interrupted.

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/internal/outlock"
)

// exitCase is one command line and the status it must end with.
type exitCase struct {
	name string
	args []string
	env  []string // added to the environment
	code int
	say  string // on stderr (2, 3) or stdout (0, 1)
}

func TestExitCodesPerCommand(t *testing.T) {
	lib := "../../scenarios/library/"
	empty, emptyFile := t.TempDir(), filepath.Join(t.TempDir(), "empty.yaml")
	if err := os.WriteFile(emptyFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	noBinaries := "KUBEBUILDER_ASSETS=" + t.TempDir()
	brokenBinaries := "KUBEBUILDER_ASSETS=" + brokenEnvtest(t)
	noDocker := "PATH=" + t.TempDir()
	lintOK := lintFiles(t, map[string]string{"canary.yaml": lintCanary(lintGood)})
	lintBad := lintFiles(t, map[string]string{"canary.yaml": lintCanary(strings.Replace(lintGood, "stepWeight: 10", "stepWeight: 60", 1))})
	recording := "../../fixtures/recordings/podinfo-incident.yaml"
	cases := []exitCase{
		{"run held", []string{"run", lib + "good-release.yaml"}, nil, 0, "1 passed, 0 failed"},
		{"run failed", []string{"run", "testdata/wrong-expectation.yaml"}, nil, 1, "0 passed, 1 failed"},
		{"run empty folder", []string{"run", empty}, nil, 2, "nothing to check"},
		{"run empty file", []string{"run", emptyFile}, nil, 2, "the file is empty"},
		{"run envtest without binaries", []string{"run", "--cluster", "envtest", lib + "good-release.yaml"}, []string{noBinaries}, 3, "envtest binaries not found"},
		{"run envtest that cannot start", []string{"run", "--cluster", "envtest", lib + "good-release.yaml"}, []string{brokenBinaries}, 3, "start the envtest control plane"},
		{"run kind without docker", []string{"run", "--cluster", "kind", lib + "good-release.yaml"}, []string{noDocker}, 3, "kind needs a running Docker engine"},
		{"lint held", []string{"lint", lintOK}, nil, 0, ""},
		{"lint failed", []string{"lint", lintBad}, nil, 1, "RH005"},
		{"lint empty file", []string{"lint", emptyFile}, nil, 2, "nothing to check"},
		{"validate held", []string{"validate", exampleRepo}, nil, 0, ""},
		{"validate empty file", []string{"validate", emptyFile}, nil, 2, "no Canary"},
		{"validate envtest without binaries", []string{"validate", "--cluster", "envtest", exampleRepo}, []string{noBinaries}, 3, "envtest binaries not found"},
		{"validate envtest that cannot start", []string{"validate", "--cluster", "envtest", exampleRepo}, []string{brokenBinaries}, 3, "start the envtest control plane"},
		{"sweep held", []string{"sweep", "--seeds", "2", lib + "good-release.yaml", lib + "bad-release.yaml"}, nil, 0, "sweep written"},
		{"sweep empty folder", []string{"sweep", empty}, nil, 2, "nothing to check"},
		{"sweep set naming no field", []string{"sweep", "--set", "analysis.nothing=1,2", lib + "good-release.yaml"}, nil, 2, `unknown field "analysis.nothing"`},
		{"chaos held", []string{"chaos", "--faults", "catalogue", lib + "good-release.yaml"}, nil, 0, "chaos report written"},
		{"chaos empty folder", []string{"chaos", empty}, nil, 2, "nothing to check"},
		{"backtest held", []string{"backtest", "--expect", "rolled-back", recording}, nil, 0, ""},
		{"backtest failed", []string{"backtest", "--expect", "promoted", recording}, nil, 1, ""},
		{"backtest empty folder", []string{"backtest", empty}, nil, 2, "nothing to check"},
		{"controller bad flag", []string{"controller", "--bogus"}, nil, 2, "unknown flag: --bogus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if c.args[0] != "lint" && c.args[0] != "controller" {
				args = append([]string{c.args[0], "--out", t.TempDir()}, c.args[1:]...)
			}
			code, stdout, stderr := runBinaryEnv(t, c.env, nil, args...)
			where := stdout
			if c.code >= 2 {
				where = stderr
			}
			if code != c.code || !strings.Contains(where, c.say) {
				t.Errorf("exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", code, c.code, c.say, stdout, stderr)
			}
		})
	}
}

// brokenEnvtest is a folder of envtest binaries that exit at once with an
// error, as a control plane that will not start does: the machine's
// problem (3), even though a scenario was being loaded (not 2).
func brokenEnvtest(t *testing.T) string {
	dir := t.TempDir()
	for _, name := range []string{"etcd", "kube-apiserver"} {
		script := "#!/bin/sh\necho " + name + " will not start here >&2\nexit 1\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestInterruptedExits130: SIGINT to a sweep that would run for minutes
// stops it, with exit status 130.
func TestInterruptedExits130(t *testing.T) {
	lib := "../../scenarios/library/"
	out := t.TempDir()
	interrupt := func(cmd *exec.Cmd) {
		// The sweep locks --out once it is running, long after main set up
		// its signal handling: a fixed wait could, on a loaded machine,
		// signal a process still starting, which then dies of the signal.
		lock := filepath.Join(out, outlock.FileName)
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(lock); err == nil {
				break
			}
		}
		_ = cmd.Process.Signal(syscall.SIGINT)
	}
	code, stdout, stderr := runBinaryEnv(t, nil, interrupt, "sweep", "--seeds", "100000", "--out", out,
		lib+"good-release.yaml", lib+"bad-release.yaml")
	if code != 130 {
		t.Errorf("exit %d, want 130\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// runBinaryEnv runs the built binary with extra environment, calling
// during (when set) once it started; it is killed after two minutes.
func runBinaryEnv(t *testing.T, env []string, during func(*exec.Cmd), args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, builtBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if during != nil {
		during(cmd)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatalf("running %v: %v\nstderr: %s", args, err, stderr.String())
	return 0, "", ""
}
