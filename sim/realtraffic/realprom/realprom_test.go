// This file replays a short bad release while Debian's Prometheus scrapes
// the workloads and the engine queries it, and checks the server refuses
// other targets and reports a missing binary with its install command.

package realprom

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
	"github.com/rehearse-dev/rehearse/sim/realtraffic"
)

// needPrometheus skips without the binary, or fails when the tier is
// required (make test sets REHEARSE_REQUIRE_PROMETHEUS=1 after installing).
func needPrometheus(t *testing.T) {
	t.Helper()
	if err := Available(""); err != nil {
		if os.Getenv("REHEARSE_REQUIRE_PROMETHEUS") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// TestEngineQueriesARealPrometheus replays a short bad release at time
// scale 1 while Debian's Prometheus scrapes the workloads every second, and
// the engine's Prometheus client queries that server: the release must be
// rolled back as the scenario expects, on values the real server computed.
func TestEngineQueriesARealPrometheus(t *testing.T) {
	needPrometheus(t)
	if testing.Short() {
		t.Skip("the real-Prometheus tier takes about 80s of wall-clock time; skipped with -short")
	}
	scs, err := scenarios.Load("testdata/short-bad-release.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Dir: t.TempDir()}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Error(err)
		}
	})
	r := sim.Run(context.Background(), scs[0], sim.Options{Traffic: "real", Real: realtraffic.Config{TimeScale: 1, Prometheus: srv.Start}})
	if r.Error != "" {
		t.Fatalf("%s (Prometheus log in %s)", r.Error, srv.Dir)
	}
	for _, e := range r.Expectations {
		if !e.Passed {
			t.Errorf("%s: %s", e.Description, e.Detail)
		}
	}
	if !measured(r) {
		t.Error("no metric check got a value from the real Prometheus")
	}
	if !hasNote(r, "metrics from a real Prometheus server") {
		t.Errorf("the notes %q do not say where the metrics came from", r.Notes)
	}
	if t.Failed() || os.Getenv("SHOW") != "" {
		var b strings.Builder
		_ = reports.WriteMarkdown(&b, r)
		t.Log(b.String())
	}
}

// measured: some check has a value. In this mode the embedded Prometheus
// holds no workload series, so a value can only come from the real one.
func measured(r *reports.Run) bool {
	for _, tk := range r.Ticks {
		for _, m := range tk.Metrics {
			if m.Value != nil {
				return true
			}
		}
	}
	return false
}

func hasNote(r *reports.Run, s string) bool {
	for _, n := range r.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func TestStartRefusesOtherTargets(t *testing.T) {
	for _, targets := range [][]string{nil, {"10.0.0.1:80"}, {"example.com:80"}, {"127.0.0.1"}} {
		if _, err := (&Server{Dir: t.TempDir()}).Start(context.Background(), targets); err == nil {
			t.Errorf("targets %v were accepted", targets)
		}
	}
}

func TestStopBeforeStart(t *testing.T) {
	if err := (&Server{}).Stop(); err != nil {
		t.Errorf("Stop of a server never started: %v", err)
	}
}

func TestAvailable(t *testing.T) {
	err := Available(t.TempDir() + "/no-such-prometheus")
	if err == nil || !strings.Contains(err.Error(), InstallHint) {
		t.Errorf("err = %v, want the install command", err)
	}
}
