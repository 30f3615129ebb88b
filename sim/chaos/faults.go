// This file is the fault catalogue chaos draws from: every kind a fault can
// take on each target, in a fixed order so that a seed always draws the same
// faults, and how a drawn fault is completed (its hook, its window).

package chaos

import (
	"math/rand/v2"
	"time"

	"github.com/rehearse-dev/rehearse/scenarios"
)

// targets lists what a fault can break, with its kinds, in a fixed order so
// that a seed always draws the same faults.
var targets = []struct {
	target scenarios.FaultTarget
	kinds  []string
}{
	{scenarios.FaultPrometheus, []string{"down", "slow", "status", "malformed", "empty", "nan", "matrix", "stale"}},
	{scenarios.FaultWebhook, []string{"timeout", "status", "refused", "slow", "flap"}},
	{scenarios.FaultKubernetes, []string{"error", "conflict"}},
	{scenarios.FaultWorkload, []string{"not-ready", "crash-loop", "flap"}},
	{scenarios.FaultEngine, []string{"restart"}},
}

// Catalogue is every kind of fault once: from the second tick, for three
// intervals, on every call; webhook faults hit the Canary's first hook that
// the analysis asks (or are left out when it has none).
func Catalogue(sc *scenarios.Scenario, interval time.Duration) []scenarios.Fault {
	var out []scenarios.Fault
	for _, t := range targets {
		for _, k := range t.kinds {
			f := scenarios.Fault{Target: t.target, Kind: k, At: sc.Release.At + 2*interval, For: 3 * interval, Probability: 1}
			if !complete(&f, sc, nil) {
				continue
			}
			out = append(out, f)
		}
	}
	return out
}

// Random draws one to three faults from the catalogue's kinds, at random
// times within the horizon, lasting one to four intervals, on every call or
// on half of them.
func Random(rng *rand.Rand, sc *scenarios.Scenario, interval, horizon time.Duration) []scenarios.Fault {
	n := 1 + rng.IntN(3)
	var out []scenarios.Fault
	for len(out) < n {
		t := targets[rng.IntN(len(targets))]
		f := scenarios.Fault{Target: t.target, Kind: t.kinds[rng.IntN(len(t.kinds))], Probability: 1,
			// Whole seconds: a report says "from 3m27s", never nanoseconds.
			At:  (sc.Release.At + interval + time.Duration(rng.Int64N(int64(max(horizon, interval))))).Round(time.Second),
			For: time.Duration(1+rng.IntN(4)) * interval}
		if rng.IntN(3) == 0 && (f.Target == scenarios.FaultWebhook || f.Target == scenarios.FaultKubernetes) {
			f.Probability = 0.5
		}
		if complete(&f, sc, rng) {
			out = append(out, f)
		}
	}
	return out
}

// complete fills the fields a kind needs; false when the scenario offers
// nothing for the fault to hit (a webhook fault on a Canary with no hooks).
func complete(f *scenarios.Fault, sc *scenarios.Scenario, rng *rand.Rand) bool {
	pick := func(n int) int {
		if rng == nil {
			return 0
		}
		return rng.IntN(n)
	}
	switch f.Target {
	case scenarios.FaultWebhook:
		hooks := askedHooks(sc)
		if len(hooks) == 0 {
			return false
		}
		f.Hook = hooks[pick(len(hooks))]
	case scenarios.FaultWorkload:
		f.Workload = []string{"canary", "primary"}[pick(2)]
	case scenarios.FaultEngine:
		f.For = 0
	}
	if f.Kind == "status" {
		f.Status = []int{500, 503}[pick(2)]
	}
	return true
}

// askedHooks are the Canary's hooks whose answers matter to the analysis.
func askedHooks(sc *scenarios.Scenario) []string {
	var out []string
	if a := sc.Canary.GetAnalysis(); a != nil {
		for _, h := range a.Webhooks {
			if h.Type != "event" && h.Type != "post-rollout" {
				out = append(out, h.Name)
			}
		}
	}
	return out
}
