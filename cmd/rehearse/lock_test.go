// This file runs two real rehearse processes on one --out: the second is
// told who holds the folder and exits 3, or with --wait runs once the first
// has gone.

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestASecondRunOnOneOutExits3NamingTheHolder(t *testing.T) {
	bin := builtBinary(t)
	out := t.TempDir()
	holder := startHolder(t, bin, out)
	code, _, stderr := runBinary(t, "run", "--out", out, "../../scenarios/library/good-release.yaml")
	if code != 3 {
		t.Errorf("second run exited %d, want 3", code)
	}
	for _, want := range []string{"is in use", "pid " + strconv.Itoa(holder.Process.Pid), "rehearse run", "--wait"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	stopHolder(t, holder)
}

func TestASecondRunWithWaitRunsWhenTheFirstEnds(t *testing.T) {
	bin := builtBinary(t)
	out := t.TempDir()
	holder := startHolder(t, bin, out)
	second := exec.Command(bin, "run", "--wait", "--out", out, "../../scenarios/library/good-release.yaml")
	var stderr bytes.Buffer
	second.Stderr = &stderr
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = second.Process.Kill() })
	time.Sleep(time.Second) // long enough to have failed, had it not waited
	if second.ProcessState != nil {
		t.Fatalf("the waiting run ended while the first held --out: %s", stderr.String())
	}
	stopHolder(t, holder)
	if code := waitExit(t, second, time.Minute); code != 0 {
		t.Fatalf("the waiting run exited %d, want 0: %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "good-release", "report.json")); err != nil {
		t.Errorf("the waiting run wrote no report: %v", err)
	}
}

// startHolder starts a long run on out and waits until it holds the lock
// (its pid is in the lock file).
func startHolder(t *testing.T, bin, out string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "run", "--out", out, longScenario(t))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	for range 300 {
		b, _ := os.ReadFile(filepath.Join(out, ".rehearse-lock"))
		if strings.HasPrefix(string(b), strconv.Itoa(cmd.Process.Pid)+" ") {
			return cmd
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the first run did not take the lock on --out within 30s")
	return nil
}

// stopHolder interrupts the long run: it writes what finished and exits 130.
func stopHolder(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	_ = cmd.Process.Signal(syscall.SIGINT)
	if code := waitExit(t, cmd, time.Minute); code != 130 {
		t.Errorf("the first run exited %d after SIGINT, want 130", code)
	}
}
