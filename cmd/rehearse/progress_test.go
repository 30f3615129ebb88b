// This file tests progress: the plain line's wording, the terminal bar
// drawn on a fake terminal, and on the built binary, plain lines on a
// piped stderr during a sweep and none with --quiet.

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	cases := []struct {
		name, label, unit string
		done, total       int
		elapsed           time.Duration
		status, want      string
	}{
		{"a sweep under way", "sweep", "rehearsals", 1200, 4800, 15 * time.Second, "",
			"rehearse: sweep: 1200/4800 rehearsals, 80.0/s, about 45s left, 15s so far"},
		{"nothing done yet", "chaos", "faulty replays", 0, 40, 2500 * time.Millisecond, "",
			"rehearse: chaos: 0/40 faulty replays, 2.5s so far"},
		{"total not known yet", "sweep", "rehearsals", 0, 0, 5 * time.Second, "",
			"rehearse: sweep: 5s so far"},
		{"a start that takes a while", "starting envtest (kube-apiserver and etcd)", "", 0, 0, 12400 * time.Millisecond, "",
			"rehearse: starting envtest (kube-apiserver and etcd): 12s so far"},
		{"real traffic with its latest tick", "real traffic", "", 0, 0, 90 * time.Second, "bad-release tick 3: 3m0s virtual in 9s wall",
			"rehearse: real traffic: 1m30s so far; bad-release tick 3: 3m0s virtual in 9s wall"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := progressLine(c.label, c.unit, c.done, c.total, c.elapsed, c.status); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestProgressBarOnATerminal: on a terminal the spinner that waits for the
// total becomes a bar with the count and the rate (cleared when full), and a status line
// (real traffic) is shown in place.
func TestProgressBarOnATerminal(t *testing.T) {
	var term bytes.Buffer
	task := progress{out: &term, tty: true, every: time.Hour, redraw: 0}.start("sweep", "rehearsals", 0)
	task.set(5, 10)
	task.set(10, 10)
	task.finish()
	got := term.String()
	for _, want := range []string{"rehearse: sweep", "5/10", "rehearsals/"} {
		if !strings.Contains(got, want) {
			t.Errorf("the bar lacks %q: %q", want, got)
		}
	}
	term.Reset()
	real := progress{out: &term, tty: true, every: time.Hour, redraw: 0}.start("real traffic", "", 0)
	if _, err := real.Write([]byte("bad-release tick 2: 2m0s virtual in 6s wall, 300 requests sent\n")); err != nil {
		t.Fatal(err)
	}
	real.finish()
	if !strings.Contains(term.String(), "300 requests sent") {
		t.Errorf("the status line is not shown: %q", term.String())
	}
}

// TestNoProgressWithoutAPlace: a command run in-process with no progress
// set, and --quiet, show nothing; a nil task is safe to use.
func TestNoProgressWithoutAPlace(t *testing.T) {
	var task *task
	task.set(1, 2)
	task.finish()
	if got := (progress{}).start("sweep", "rehearsals", 0); got != nil {
		t.Errorf("a progress with nowhere to write started a task")
	}
}

// TestProgressOnAPipe: with stderr a pipe (a CI log), a sweep prints plain
// progress lines at the interval REHEARSE_PROGRESS_EVERY sets, never on
// stdout; --quiet prints none, and the reports are the same bytes.
func TestProgressOnAPipe(t *testing.T) {
	lib := "../../scenarios/library/"
	args := []string{"sweep", "--seeds", "20", "--set", "analysis.threshold=1,2,3", lib + "good-release.yaml", lib + "bad-release.yaml"}
	loud, quiet := t.TempDir(), t.TempDir()
	_, out, errOut := runWithEnv(t, append(args, "--out", loud), progressEveryEnv+"=1ms")
	if !strings.Contains(errOut, "rehearse: sweep: ") || !strings.Contains(errOut, "/120 rehearsals") || !strings.Contains(errOut, "done in") {
		t.Errorf("no plain progress lines on stderr:\n%s", errOut)
	}
	if strings.Contains(out, "rehearse: sweep: ") {
		t.Errorf("progress reached stdout:\n%s", out)
	}
	_, _, errQuiet := runWithEnv(t, append([]string{"--quiet"}, append(args, "--out", quiet)...), progressEveryEnv+"=1ms")
	if strings.Contains(errQuiet, "rehearse: sweep") {
		t.Errorf("--quiet still shows progress:\n%s", errQuiet)
	}
	for _, f := range []string{"sweep.json", "sweep.csv"} {
		if readFile(t, filepath.Join(loud, f)) != readFile(t, filepath.Join(quiet, f)) {
			t.Errorf("%s differs with and without progress", f)
		}
	}
}

// runWithEnv runs the built binary with extra environment, stderr a pipe.
func runWithEnv(t *testing.T, args []string, env ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(builtBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, stderr.String())
	}
	return 0, stdout.String(), stderr.String()
}
