// This file sends SIGINT and SIGTERM to the built binary mid-run: the run
// (or sweep) stops, writes what finished marked interrupted, exits 130, and
// leaves no descendant process behind.

package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSignalsInterruptARun(t *testing.T) {
	bin := builtBinary(t)
	scenario := longScenario(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			out := t.TempDir()
			cmd := exec.Command(bin, "run", "--out", out, scenario)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1500 * time.Millisecond)
			kids := descendants(cmd.Process.Pid)
			stopWith(t, cmd, sig)
			checkInterruptedReport(t, filepath.Join(out, "long-wait", "report.json"))
			if alive := stillAlive(kids); len(alive) > 0 {
				t.Errorf("%d descendant processes outlived the run: %v", len(alive), alive)
			}
		})
	}
}

// TestSignalsInterruptASweep stops a sweep far from its end: the
// rehearsals that finished are written, marked interrupted, exit 130.
func TestSignalsInterruptASweep(t *testing.T) {
	bin := builtBinary(t)
	out := t.TempDir()
	cmd := exec.Command(bin, "sweep", "--seeds", "100000", "--set", "analysis.threshold=1,2",
		"--out", out, "../../scenarios/library/bad-release.yaml")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	stopWith(t, cmd, syscall.SIGINT)
	data, err := os.ReadFile(filepath.Join(out, "sweep.json"))
	if err != nil {
		t.Fatalf("an interrupted sweep wrote no sweep.json: %v", err)
	}
	var doc struct {
		Result struct {
			Interrupted bool              `json:"interrupted"`
			Samples     []json.RawMessage `json:"samples"`
		} `json:"result"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Result.Interrupted || len(doc.Result.Samples) == 0 || len(doc.Result.Samples) >= 200000 {
		t.Errorf("sweep.json: interrupted %v with %d of 200000 runs; want interrupted with the runs that finished",
			doc.Result.Interrupted, len(doc.Result.Samples))
	}
}

// stopWith sends sig to cmd and waits for it to exit 130.
func stopWith(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) {
	t.Helper()
	_ = cmd.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("%s did not stop within 20s of %v", cmd.Args[1], sig)
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("%s exited %d after %v, want 130", cmd.Args[1], code, sig)
	}
}

// longScenario is a rehearsal that waits at a closed gate for a week of
// virtual time, a tick every 10 seconds: 60,480 ticks, long enough to be
// interrupted however fast ticks become (at 96 hours of one-minute ticks a
// quiet machine finished the run before the signal came).
func longScenario(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	fixtures, err := filepath.Abs("../../fixtures")
	if err != nil {
		t.Fatal(err)
	}
	canary := strings.Replace(readFile(t, filepath.Join(fixtures, "podinfo", "canary-gates.yaml")),
		"  analysis:\n    interval: 1m\n", "  analysis:\n    interval: 10s\n", 1)
	if !strings.Contains(canary, "interval: 10s") {
		t.Fatal("canary-gates.yaml no longer has a one-minute analysis interval to shorten")
	}
	writeFile(t, dir, "canary.yaml", []byte(canary))
	s := strings.NewReplacer("../../fixtures/podinfo/canary-gates.yaml", "canary.yaml", "../../fixtures", fixtures,
		"maxDuration: 10m", "maxDuration: 168h", "name: confirm-rollout-closed", "name: long-wait").
		Replace(readFile(t, "../../scenarios/library/confirm-rollout-closed.yaml"))
	return writeFile(t, dir, "long.yaml", []byte(s))
}

func checkInterruptedReport(t *testing.T, path string) {
	t.Helper()
	var r struct {
		Status      string            `json:"status"`
		Interrupted bool              `json:"interrupted"`
		Ticks       []json.RawMessage `json:"ticks"`
	}
	if err := json.Unmarshal([]byte(readFile(t, path)), &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if r.Status != "interrupted" || !r.Interrupted || len(r.Ticks) == 0 {
		t.Errorf("report: status %q, interrupted %v, %d ticks; want interrupted with the ticks that finished", r.Status, r.Interrupted, len(r.Ticks))
	}
}

// descendants are the processes below pid, read from /proc.
func descendants(pid int) []int {
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := parentOf(p); ok {
			parent[p] = pp
		}
	}
	var out []int
	for p := range parent {
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// parentOf reads a process's parent from /proc/PID/stat (field 4, after
// the command name in parentheses).
func parentOf(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 2 {
		return 0, false
	}
	pp, err := strconv.Atoi(fields[1])
	return pp, err == nil
}

// stillAlive are the pids that still run (zombies do not count).
func stillAlive(pids []int) []int {
	var out []int
	for _, p := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/stat")
		if err == nil && !strings.Contains(string(b), ") Z ") {
			out = append(out, p)
		}
	}
	return out
}
