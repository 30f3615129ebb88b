//go:build linux

// This file tests the reaper on stand-in processes: it kills what a dead
// run recorded and still runs as it, and never a stranger or a live run's.
package envtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// startSleeper starts sleep with argv0 as its command name, so that /proc
// shows it as the run's etcd (or a stranger); it is killed when the test ends.
func startSleeper(t *testing.T, argv0 string) *exec.Cmd {
	t.Helper()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep on this machine")
	}
	cmd := exec.Command(sleep, "60")
	cmd.Args[0] = argv0
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })
	return cmd
}

// fakeRun makes a run folder under root owned by the record owner.
func fakeRun(t *testing.T, root, owner string) runDir {
	t.Helper()
	d := runDir(filepath.Join(root, runDirPrefix+"test"))
	if err := os.MkdirAll(d.file(shimDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.file(ownerFile), []byte(owner), 0o600); err != nil {
		t.Fatal(err)
	}
	return d
}

func record(t *testing.T, pid int) string {
	t.Helper()
	rec, err := processRecord(pid)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func alive(pid int) bool {
	_, ok := processStart(pid)
	return ok
}

func TestReapKillsOnlyWhatADeadRunLeft(t *testing.T) {
	root := t.TempDir()
	d := fakeRun(t, root, "2147483646 1\n") // an owner that no longer runs
	ours := startSleeper(t, d.file(filepath.Join(shimDir, "etcd")))
	reused := startSleeper(t, d.file(filepath.Join(shimDir, "kube-apiserver")))
	stranger := startSleeper(t, "sleep")
	pids := record(t, ours.Process.Pid) +
		strconv.Itoa(reused.Process.Pid) + " 1\n" + // same pid, another start time
		record(t, stranger.Process.Pid) +
		"garbage line\n"
	if err := os.WriteFile(d.file(pidsFile), []byte(pids), 0o600); err != nil {
		t.Fatal(err)
	}
	reaped, err := Reap(root, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(reaped) != 1 || reaped[0].Dir != string(d) || len(reaped[0].Killed) != 1 || reaped[0].Killed[0] != ours.Process.Pid {
		t.Fatalf("Reap = %+v, want %s reaped with only pid %d killed", reaped, d, ours.Process.Pid)
	}
	waitGone(t, ours.Process.Pid)
	for _, cmd := range []*exec.Cmd{reused, stranger} {
		if !alive(cmd.Process.Pid) {
			t.Errorf("pid %d (%s) was killed: it is not the run's", cmd.Process.Pid, cmd.Args[0])
		}
	}
	if _, err := os.Stat(string(d)); !os.IsNotExist(err) {
		t.Errorf("the dead run's folder is still there: %v", err)
	}
}

func TestReapLeavesALiveRunAlone(t *testing.T) {
	root := t.TempDir()
	d := fakeRun(t, root, record(t, os.Getpid()))
	ours := startSleeper(t, d.file(filepath.Join(shimDir, "etcd")))
	if err := os.WriteFile(d.file(pidsFile), []byte(record(t, ours.Process.Pid)), 0o600); err != nil {
		t.Fatal(err)
	}
	if reaped, err := Reap(root, time.Now()); err != nil || len(reaped) != 0 {
		t.Fatalf("Reap = %+v, %v; want nothing reaped while the owner runs", reaped, err)
	}
	if !alive(ours.Process.Pid) {
		t.Error("a live run's etcd was killed")
	}
}

func TestReapWaitsBeforeTakingAnOwnerlessFolder(t *testing.T) {
	root := t.TempDir()
	d := runDir(filepath.Join(root, runDirPrefix+"new"))
	if err := os.Mkdir(string(d), 0o700); err != nil {
		t.Fatal(err)
	}
	if reaped, _ := Reap(root, time.Now()); len(reaped) != 0 {
		t.Fatalf("a folder just made, owner not yet written, was reaped: %+v", reaped)
	}
	if reaped, _ := Reap(root, time.Now().Add(2*ownerlessGrace)); len(reaped) != 1 {
		t.Fatalf("an ownerless folder older than %v was kept: %+v", ownerlessGrace, reaped)
	}
}

func TestShimTarget(t *testing.T) {
	root := t.TempDir()
	d := fakeRun(t, root, "4242 17\n")
	if err := os.MkdirAll(d.file(realDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/opt/bin/etcd", filepath.Join(d.file(realDir), "etcd")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, argv0 string
		wantReal    string // "" means not the shim
	}{
		{"the run's etcd", d.file(filepath.Join(shimDir, "etcd")), "/opt/bin/etcd"},
		{"no real link", d.file(filepath.Join(shimDir, "kube-apiserver")), ""},
		{"the rehearse command", "/usr/local/bin/rehearse", ""},
		{"an etcd elsewhere", "/usr/bin/etcd", ""},
		{"a bin folder outside a run folder", filepath.Join(root, "bin", "etcd"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			real, owner, ok := shimTarget(tt.argv0)
			if ok != (tt.wantReal != "") || real != tt.wantReal || (ok && owner != 4242) {
				t.Errorf("shimTarget(%q) = %q, %d, %v; want %q of owner 4242", tt.argv0, real, owner, ok, tt.wantReal)
			}
		})
	}
}

// waitGone waits (a bounded while, for the kernel, not a timing assertion)
// until pid has stopped running.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	for range 100 {
		if !alive(pid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("pid %d still runs after SIGKILL", pid)
}
