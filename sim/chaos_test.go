// This file tests that faults follow Flagger's semantics, and engine
// restarts at every tick.

package sim

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// withFaults returns a copy of the library scenario with faults added.
func withFaults(t *testing.T, name string, faults ...scenarios.Fault) *scenarios.Scenario {
	t.Helper()
	sc := *loadScenarios(t, "../scenarios/library/"+name+".yaml")[0]
	for i := range faults {
		if faults[i].Probability == 0 {
			faults[i].Probability = 1
		}
	}
	sc.Faults = faults
	return &sc
}

func minutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// TestFaultsFollowFlaggerSemantics: each fault's effect is the one
// Flagger's scheduler gives it.
func TestFaultsFollowFlaggerSemantics(t *testing.T) {
	cases := []struct {
		name     string
		scenario string
		fault    scenarios.Fault
		outcome  string
		reason   string // in some tick's reason
	}{
		{"prometheus down rolls back a good release", "good-release",
			scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "down", At: minutes(2)}, "Failed", "connection refused"},
		{"a short outage is tolerated below the threshold", "good-release",
			scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "status", Status: 503, At: minutes(3), For: minutes(2)}, "Succeeded", "503"},
		{"an empty answer is no values", "good-release",
			scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "empty", At: minutes(2)}, "Failed", "no values found"},
		{"NaN is no values", "good-release",
			scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "nan", At: minutes(2)}, "Failed", "no values found"},
		{"a matrix is an error", "good-release",
			scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "matrix", At: minutes(2)}, "Failed", "query failed"},
		{"malformed JSON is an error", "good-release",
			scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "malformed", At: minutes(2)}, "Failed", "query failed"},
		{"a slow Prometheus times out", "good-release",
			scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "slow", At: minutes(2)}, "Failed", "query failed"},
		{"stale series are no values", "good-release",
			scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "stale", At: minutes(2)}, "Failed", "no values found"},
		{"a rollout hook timing out counts failed checks", "good-release",
			scenarios.Fault{Target: scenarios.FaultWebhook, Hook: "load-test", Kind: "timeout", At: minutes(2)}, "Failed", "did not answer"},
		{"a refused pre-rollout hook stops the rollout", "good-release",
			scenarios.Fault{Target: scenarios.FaultWebhook, Hook: "acceptance-test", Kind: "refused"}, "Failed", "pre-rollout hook acceptance-test failed"},
		{"a slow hook inside its timeout passes", "good-release",
			scenarios.Fault{Target: scenarios.FaultWebhook, Hook: "load-test", Kind: "slow"}, "Succeeded", "analysis passed"},
		{"API errors only delay the rollout", "good-release",
			scenarios.Fault{Target: scenarios.FaultKubernetes, Kind: "error", At: minutes(3), For: minutes(2)}, "Succeeded", "retried on the next tick"},
		{"conflicts on status writes only delay it", "good-release",
			scenarios.Fault{Target: scenarios.FaultKubernetes, Kind: "conflict", Verb: "status", Probability: 0.5}, "Succeeded", "Succeeded"},
		{"a canary crash-looping past its deadline rolls back", "good-release",
			scenarios.Fault{Target: scenarios.FaultWorkload, Workload: "canary", Kind: "crash-loop", At: minutes(3)}, "Failed", "progress deadline"},
		{"the primary lost during promotion fails the promotion", "good-release",
			scenarios.Fault{Target: scenarios.FaultWorkload, Workload: "primary", Kind: "not-ready", At: minutes(7) + 30*time.Second}, "Failed", "promotion failed"},
		{"the primary lost before promotion rolls back at its deadline", "good-release",
			scenarios.Fault{Target: scenarios.FaultWorkload, Workload: "primary", Kind: "not-ready", At: minutes(6) + 30*time.Second}, "Failed", "primary podinfo-primary did not become ready"},
		{"a controller restart changes nothing", "bad-release",
			scenarios.Fault{Target: scenarios.FaultEngine, Kind: "restart", At: minutes(5)}, "Failed", "killed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Run(context.Background(), withFaults(t, c.scenario, c.fault), Options{})
			if r.Error != "" {
				t.Fatalf("run error: %s", r.Error)
			}
			if r.Outcome != c.outcome {
				t.Errorf("outcome %s, want %s\n%s", r.Outcome, c.outcome, reasons(r))
			}
			if !strings.Contains(reasons(r), c.reason) {
				t.Errorf("no tick says %q:\n%s", c.reason, reasons(r))
			}
			if !strings.Contains(strings.Join(r.Notes, "\n"), "fault "+string(c.fault.Target)) {
				t.Errorf("the notes do not explain the fault: %v", r.Notes)
			}
		})
	}
}

func reasons(r *reports.Run) string {
	var b strings.Builder
	for _, t := range r.Ticks {
		fmt.Fprintf(&b, "tick %d %s %d/%d: %s | %s\n", t.Tick, t.Phase, t.PrimaryWeight, t.CanaryWeight, t.Reason, strings.Join(t.Events, "; "))
		for _, m := range t.Metrics {
			fmt.Fprintf(&b, "  %s %s\n", m.Name, m.Error)
		}
		for _, h := range t.Webhooks {
			fmt.Fprintf(&b, "  %s %s\n", h.Name, h.Error)
		}
	}
	return b.String()
}

// TestRestartAtEveryTick: the engine is level-triggered, so killing the
// controller part-way through any tick (after 0, 1 or 2 of its writes) and
// starting a new one reaches the same decision as an uninterrupted run.
func TestRestartAtEveryTick(t *testing.T) {
	for _, name := range []string{"good-release", "bad-release", "blue-green", "ab-testing", "step-weight-promotion", "webhook-failure"} {
		base := Run(context.Background(), withFaults(t, name), Options{})
		if base.Error != "" {
			t.Fatalf("%s: %s", name, base.Error)
		}
		for tick := 1; tick <= len(base.Ticks); tick++ {
			for writes := 0; writes <= 2; writes++ {
				f := scenarios.Fault{Target: scenarios.FaultEngine, Kind: "restart", At: time.Duration(tick) * time.Minute}
				r := Run(context.Background(), withFaults(t, name, f), Options{crashAfter: &writes})
				// The same decision; a restart may cost a tick, so the
				// weight reached when a failure starts can differ.
				if r.Error != "" || r.Outcome != base.Outcome {
					t.Errorf("%s killed at tick %d after %d writes: %s (%s), uninterrupted %s",
						name, tick, writes, r.Outcome, r.Error, base.Outcome)
				}
			}
		}
	}
}
