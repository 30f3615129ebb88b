// This file tests explain.go: what the engine did while a fault was in
// force, and the sentence each kind of fault gets in the report.

package chaos

import (
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/fault"
)

// TestEngineDid: what the engine did while a fault was in force, read from
// the ticks of its window alone.
func TestEngineDid(t *testing.T) {
	tick := func(n, failed, weight int, phase string) reports.Tick {
		return reports.Tick{Tick: n, T: float64(n * 60), FailedChecks: failed, CanaryWeight: weight, Phase: phase}
	}
	decided := 300.0
	run := &reports.Run{Interval: 60, DecidedAt: &decided, Ticks: []reports.Tick{
		tick(1, 0, 0, "Progressing"), tick(2, 0, 10, "Progressing"), tick(3, 1, 10, "Progressing"),
		tick(4, 2, 10, "Progressing"), tick(5, 0, 0, "Failed"),
	}}
	cases := []struct {
		name  string
		fault scenarios.Fault
		want  string
	}{
		{"an outage to the rollback", scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "down", At: 150 * time.Second, For: 2 * time.Minute},
			"on ticks 3–5 (3m0s–5m0s) the engine counted 2 failed checks, took the canary weight from 10 to 0 and rolled back on tick 5"},
		{"a short fault on an advancing tick", scenarios.Fault{Target: scenarios.FaultKubernetes, Kind: "error", At: 90 * time.Second, For: 10 * time.Second},
			"on tick 2 (2m0s) the engine counted no failed check and held the canary weight at 10"},
		{"a restart lasts one interval", scenarios.Fault{Target: scenarios.FaultEngine, Kind: "restart", At: 30 * time.Second},
			"on tick 1 (1m0s) the engine counted no failed check and held the canary weight at 0"},
		{"after the decision", scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "down", At: 10 * time.Minute},
			"no tick of the engine fell while it was in force"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := engineDid(run, window(c.fault, 0, run.Interval)); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestEffectsReadTheNotes: a fault the run never hit says so; one it hit
// gets its kind's sentence and what the engine did.
func TestEffectsReadTheNotes(t *testing.T) {
	hit := scenarios.Fault{Target: scenarios.FaultPrometheus, Kind: "nan", At: time.Minute, For: time.Minute}
	missed := scenarios.Fault{Target: scenarios.FaultWebhook, Kind: "flap", Hook: "load-test", At: time.Hour}
	run := &reports.Run{Interval: 60, Notes: []string{"fault " + hit.String() + ": ..."}, Ticks: []reports.Tick{{Tick: 1, T: 60}}}
	got := effects([]scenarios.Fault{hit, missed}, run, 0)
	if got[0].Kind != "prometheus nan" || got[0].Engine == "" || got[0].Did == "" {
		t.Errorf("the fault that hit: %+v", got[0])
	}
	if got[1].Engine != "" || got[1].Did != "it never took effect: nothing it breaks was called while it was in force" {
		t.Errorf("the fault that missed: %+v", got[1])
	}
}

// TestEveryKindHasItsOwnSentence: the report explains each kind of fault
// in words of its own, never one sentence for a whole target.
func TestEveryKindHasItsOwnSentence(t *testing.T) {
	seen := map[string]string{}
	for _, tg := range targets {
		for _, k := range tg.kinds {
			f := scenarios.Fault{Target: tg.target, Kind: k, Hook: "load-test", Workload: "canary", Status: 503}
			s := fault.Meaning(f)
			if other, ok := seen[s]; ok {
				t.Errorf("%s %s and %s say the same: %q", tg.target, k, other, s)
			}
			seen[s] = string(tg.target) + " " + k
		}
	}
}
