// This file builds the rehearse binary once for the tests that must run it
// as a user does: under a memory limit, sent signals, killed mid-write.

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// binary is the rehearse binary TestMain built, or empty when it could not.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rehearse-bin-")
	if err == nil {
		binary, err = buildBinary(dir)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the rehearse binary for its own tests: %v\n", err)
		binary = ""
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func buildBinary(dir string) (string, error) {
	bin := filepath.Join(dir, "rehearse")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, out)
	}
	return bin, nil
}

// builtBinary is the binary's path; a test that needs it fails without it.
func builtBinary(t *testing.T) string {
	t.Helper()
	if binary == "" {
		t.Fatal("the rehearse binary was not built (see the error above)")
	}
	return binary
}

func itoa(n int) string { return strconv.Itoa(n) }

// readFile is a file's text; the test fails when it cannot be read.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runBinary runs the built binary with args and returns its exit status,
// stdout and stderr (see runBinaryEnv).
func runBinary(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runBinaryEnv(t, nil, nil, args...)
}
