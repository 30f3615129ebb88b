// This file tests the Docker probe: no client, no engine and a deadline
// each give up before kind is called.

package kind

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

func TestDockerProbe(t *testing.T) {
	found := func(string) (string, error) { return "/usr/bin/docker", nil }
	missing := func(string) (string, error) { return "", exec.ErrNotFound }
	answers := func(out string, err error) func(context.Context, string) ([]byte, error) {
		return func(context.Context, string) ([]byte, error) { return []byte(out), err }
	}
	noEngine := "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"
	tests := []struct {
		name  string
		probe dockerProbe
		want  string // empty: Docker is usable
	}{
		{"engine answers", dockerProbe{found, answers("28.2.2\n", nil)}, ""},
		{"no client", dockerProbe{missing, answers("", nil)},
			"kind needs a running Docker engine (no docker client: executable file not found in $PATH); use --cluster memory or envtest"},
		{"no engine", dockerProbe{found, answers(noEngine, errors.New("exit status 1"))},
			"kind needs a running Docker engine (docker info failed: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?); use --cluster memory or envtest"},
		{"silent failure", dockerProbe{found, answers("", errors.New("signal: killed"))},
			"kind needs a running Docker engine (docker info failed: signal: killed); use --cluster memory or envtest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.probe.check(context.Background())
			if tt.want == "" {
				if err != nil {
					t.Errorf("check() = %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want || !errors.Is(err, ErrNoDocker) {
				t.Errorf("check() = %v\nwant %s (wrapping ErrNoDocker)", err, tt.want)
			}
		})
	}
}

// TestStartWithoutDocker: Start gives up before calling kind, so the
// failure is immediate and names what is missing.
func TestStartWithoutDocker(t *testing.T) {
	probe := dockerProbe{lookPath: func(string) (string, error) { return "/usr/bin/docker", nil },
		info: func(context.Context, string) ([]byte, error) {
			return []byte("Cannot connect"), errors.New("exit status 1")
		}}
	c, err := start(context.Background(), Options{}, probe)
	if c != nil || !errors.Is(err, ErrNoDocker) || !strings.Contains(err.Error(), "use --cluster memory or envtest") {
		t.Errorf("start() = %v, %v; want no cluster and ErrNoDocker", c, err)
	}
}

// TestDockerInfoPassesItsDeadline: the probe's context reaches the command.
func TestDockerInfoPassesItsDeadline(t *testing.T) {
	var hasDeadline bool
	probe := dockerProbe{lookPath: func(string) (string, error) { return "docker", nil },
		info: func(ctx context.Context, _ string) ([]byte, error) { _, hasDeadline = ctx.Deadline(); return nil, nil }}
	if err := probe.check(context.Background()); err != nil || !hasDeadline {
		t.Errorf("check() = %v, deadline %v; want docker info bounded by a timeout", err, hasDeadline)
	}
}
