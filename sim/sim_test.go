// This file tests the library end to end: every scenario meets its
// expectations, golden reports, seeds, traffic and backends.

package sim

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/")

func loadScenarios(t *testing.T, paths ...string) []*scenarios.Scenario {
	t.Helper()
	scs, err := scenarios.Load(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return scs
}

// TestLibrary replays the scenario library, as `make demo` does: every
// scenario must meet its expectations.
func TestLibrary(t *testing.T) {
	scs := loadScenarios(t, "../scenarios/library")
	if len(scs) < 13 {
		t.Fatalf("the library has %d scenarios, want at least 13", len(scs))
	}
	runs, err := RunAll(context.Background(), scs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.Error != "" {
			t.Errorf("%s: %s", r.Scenario, r.Error)
		}
		for _, e := range r.Expectations {
			if !e.Passed {
				t.Errorf("%s: %s: %s", r.Scenario, e.Description, e.Detail)
			}
		}
		if len(r.Expectations) == 0 {
			t.Errorf("%s expects nothing: a scenario that cannot fail proves nothing", r.Scenario)
		}
	}
}

// TestGoldenReports: the same scenario and seed give byte-identical reports,
// run after run; refresh with `go test ./sim -update`.
func TestGoldenReports(t *testing.T) {
	for _, name := range []string{"bad-release", "blue-green", "confirm-promotion-late", "flapping-metric", "slow-latency"} {
		t.Run(name, func(t *testing.T) {
			sc := loadScenarios(t, "../scenarios/library/"+name+".yaml")[0]
			got := render(t, Run(context.Background(), sc, Options{}))
			again := render(t, Run(context.Background(), sc, Options{}))
			if !bytes.Equal(got, again) {
				t.Fatalf("two runs of %s differ", name)
			}
			golden := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report differs from %s; if the change is intended, run go test ./sim -update", golden)
			}
		})
	}
}

func render(t *testing.T, r *reports.Run) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := reports.WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("127.0.0.1")) {
		t.Errorf("the report names a loopback address, which changes from run to run")
	}
	return b.Bytes()
}

// TestSeedChangesNoise: a different seed gives different metric values when
// the scenario has noise, and the same seed the same values.
func TestSeedChangesNoise(t *testing.T) {
	sc := loadScenarios(t, "../scenarios/library/flapping-metric.yaml")[0]
	if sc.Scripted() {
		sc = loadScenarios(t, "../scenarios/library/slow-latency.yaml")[0]
	}
	sc.Traffic.Noise.SuccessRate = 0.5
	a := render(t, Run(context.Background(), sc, Options{Seed: 1}))
	b := render(t, Run(context.Background(), sc, Options{Seed: 2}))
	c := render(t, Run(context.Background(), sc, Options{Seed: 1}))
	if bytes.Equal(a, b) {
		t.Errorf("seeds 1 and 2 gave identical reports despite noise")
	}
	if !bytes.Equal(a, c) {
		t.Errorf("the same seed gave different reports")
	}
}

// TestTrafficFollowsWeights: with no apex traffic and no load test the
// canary has no data, so Flagger's "no values found" rolls it back; the
// report says so in words.
func TestTrafficFollowsWeights(t *testing.T) {
	r := Run(context.Background(), loadScenarios(t, "../scenarios/library/no-traffic.yaml")[0], Options{})
	if r.Outcome != "Failed" {
		t.Fatalf("outcome %s, want Failed", r.Outcome)
	}
	if !strings.Contains(r.Ticks[2].Reason, "no values found") {
		t.Errorf("tick 3 reason %q does not say no values were found", r.Ticks[2].Reason)
	}
}

func TestUnknownCluster(t *testing.T) {
	if _, err := RunAll(context.Background(), nil, Options{Cluster: "moon"}); err == nil {
		t.Errorf("an unavailable cluster backend must be refused")
	}
}
