// This file tests `rehearse controller`: bad flags exit 2 before any
// connection is tried, and on envtest it becomes ready and stops cleanly
// when its context ends.

package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/internal/envtest"
	"github.com/rehearse-dev/rehearse/internal/exit"
)

// TestControllerBadFlags: every mistake in the flags exits 2 before any
// connection is tried, naming the flag.
func TestControllerBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--bogus"}, "bogus"},
		{"argument", []string{"scenarios/"}, "takes no arguments"},
		{"provider without a router", []string{"--mesh-provider", "istio"}, `--mesh-provider "istio"`},
		{"empty provider", []string{"--mesh-provider", ""}, `--mesh-provider ""`},
		{"namespace", []string{"--namespace", "Not_A_Namespace"}, "--namespace"},
		{"lease namespace", []string{"--leader-election-namespace", "-x"}, "--leader-election-namespace"},
		{"metrics address", []string{"--metrics-bind-address", "8080"}, "--metrics-bind-address"},
		{"probe address", []string{"--health-probe-bind-address", "localhost"}, "--health-probe-bind-address"},
		{"missing kubeconfig", []string{"--kubeconfig", filepath.Join(t.TempDir(), "nope")}, "no cluster to talk to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := controllerCommand(context.Background(), tt.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != exitBadInput {
				t.Fatalf("exit %d, want %d; stderr: %s", code, exitBadInput, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr does not mention %q:\n%s", tt.want, stderr.String())
			}
		})
	}
}

func TestCheckBindAddress(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"0", true}, {":8080", true}, {"127.0.0.1:0", true}, {"[::1]:8081", true},
		{"8080", false}, {"", false}, {"localhost", false},
	}
	for _, tt := range tests {
		if err := checkBindAddress(tt.addr); (err == nil) != tt.ok {
			t.Errorf("checkBindAddress(%q) = %v, want ok %v", tt.addr, err, tt.ok)
		}
	}
}

// lockedBuffer is a Buffer the controller's goroutines may write to while
// the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestControllerServesAndStops runs the command against envtest: it becomes
// ready, then returns without error when its context ends.
func TestControllerServesAndStops(t *testing.T) {
	kubeconfig := envtestKubeconfig(t)
	probe := freeLoopbackAddr(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- controllerCommand(ctx, []string{"--kubeconfig", kubeconfig, "--metrics-bind-address", "0",
			"--health-probe-bind-address", probe, "--namespace", "default"}, &bytes.Buffer{}, &stderr)
	}()
	if err := waitReady(ctx, "http://"+probe+"/readyz", done); err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("controller returned %v on shutdown, want nil\nstderr:\n%s", err, stderr.String())
	}
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady polls the readiness endpoint until it answers 200, the command
// exits, or a minute passes (a bound on a hang, not a speed check).
func waitReady(ctx context.Context, url string, done <-chan error) error {
	deadline := time.NewTimer(time.Minute)
	defer deadline.Stop()
	for {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-done:
			return errors.Join(errors.New("the controller exited before it was ready"), err)
		case <-deadline.C:
			return errors.New("the controller was not ready within a minute")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestControllerPortInUse: a probe or metrics port another process holds is
// the machine's problem, not a bad flag: exit 3, naming the address. The
// probe port is bound before any connection is tried; the metrics port only
// once the manager starts, so that case needs envtest. Each runs the built
// binary: controller-runtime allows one controller of a name per process.
func TestControllerPortInUse(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	addr := held.Addr().String()
	cases := []struct {
		name       string
		kubeconfig func(*testing.T) string
		metrics    string
		probe      string
	}{
		{"probe port", unreachableKubeconfig, "0", addr},
		{"metrics port", envtestKubeconfig, addr, "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runBinaryEnv(t, nil, nil, "controller", "--kubeconfig", c.kubeconfig(t),
				"--metrics-bind-address", c.metrics, "--health-probe-bind-address", c.probe, "--namespace", "default")
			if code != exit.CodeEnvironment || !strings.Contains(stderr, addr+": bind: address already in use") {
				t.Errorf("exit %d, want %d naming %s in use\nstderr:\n%s", code, exit.CodeEnvironment, addr, stderr)
			}
		})
	}
}

// unreachableKubeconfig is a well-formed kubeconfig whose server nothing
// answers on: enough for everything the controller does before it connects.
func unreachableKubeconfig(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// envtestKubeconfig starts envtest for the test, or skips it when the
// binaries are not built.
func envtestKubeconfig(t *testing.T) string {
	if _, err := envtest.ResolveAssets(""); err != nil {
		t.Skip(err.Error())
	}
	env, err := envtest.Start(context.Background(), envtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	return env.Kubeconfig
}
