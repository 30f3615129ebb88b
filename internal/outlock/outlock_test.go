// This file tests the lock within one process: flock locks belong to open
// files, so a second Acquire here meets the first as another command would.
package outlock

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/internal/exit"
)

func TestASecondHolderIsToldWhoHoldsIt(t *testing.T) {
	dir := t.TempDir() + "/out"
	first, err := Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(context.Background(), dir, false)
	if exit.Code(err) != exit.CodeEnvironment {
		t.Fatalf("second Acquire: %v (exit %d), want exit 3", err, exit.Code(err))
	}
	for _, want := range []string{dir + " is in use", "pid " + strconv.Itoa(os.Getpid()), "--wait", "another --out"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	_ = again.Release()
}

func TestWaitingEndsWithTheContext(t *testing.T) {
	dir := t.TempDir()
	held, err := Acquire(context.Background(), dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Acquire(ctx, dir, true); exit.Code(err) != exit.CodeInterrupted {
		t.Fatalf("waiting, interrupted: %v (exit %d), want 130", err, exit.Code(err))
	}
}

func TestReadHolder(t *testing.T) {
	tests := []struct{ text, want string }{
		{"123 rehearse run --out x a.yaml\n", "pid 123 (rehearse run --out x a.yaml)"},
		{"", "another process"},
		{"garbage", "another process"},
	}
	for _, tt := range tests {
		f, err := os.CreateTemp(t.TempDir(), "lock")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.WriteString(tt.text)
		if got := readHolder(f); got != tt.want {
			t.Errorf("readHolder(%q) = %q, want %q", tt.text, got, tt.want)
		}
		f.Close()
	}
}
