// This file is the fault model (target, kind, window) and its conversion: which kinds each target
// accepts and which kube verbs a cluster fault may name.

package scenarios

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// FaultTarget names what a fault breaks.
type FaultTarget string

// The parts of the world a scenario can break.
const (
	FaultPrometheus FaultTarget = "prometheus"
	FaultWebhook    FaultTarget = "webhook"
	FaultKubernetes FaultTarget = "kubernetes"
	FaultWorkload   FaultTarget = "workload"
	FaultEngine     FaultTarget = "engine"
)

// faultKinds lists, per target, the kinds of fault it can suffer.
var faultKinds = map[FaultTarget][]string{
	// down: connection refused; slow: answers after the provider's 5s
	// timeout; status: an HTTP error; malformed: a body that is not JSON;
	// empty, nan, matrix: well-formed answers Flagger cannot use; stale:
	// the canary's series stop, as when its scrape target disappears.
	FaultPrometheus: {"down", "slow", "status", "malformed", "empty", "nan", "matrix", "stale"},
	// timeout: no answer before the hook's timeout; slow: an answer just
	// inside it; flap: failing every other call.
	FaultWebhook: {"timeout", "status", "refused", "slow", "flap"},
	// error: the API server answers 500; conflict: 409 on writes.
	FaultKubernetes: {"error", "conflict"},
	// not-ready and crash-loop: pods that stop being available; flap:
	// readiness that comes and goes every other tick.
	FaultWorkload: {"not-ready", "crash-loop", "flap"},
	// restart: the controller dies in the middle of a tick, after applying
	// part of its decision, and a new one takes over.
	FaultEngine: {"restart"},
}

// kubeVerbs are the client calls a kubernetes fault can hit.
var kubeVerbs = []string{"", "get", "list", "create", "update", "patch", "status"}

// Fault breaks one part of the world from At, for For (0: until the end),
// every time or, with a Probability below 1, on a seeded share of calls.
type Fault struct {
	Target      FaultTarget
	Kind        string
	At, For     time.Duration
	Probability float64 // 1 means every time
	Hook        string  // webhook: the hook's name; "" every hook
	Status      int     // prometheus and webhook status faults
	Verb        string  // kubernetes: the call it hits; "" every call
	Workload    string  // workload: "canary" or "primary"
}

// ActiveAt says whether the fault is in force at t (time since the start
// of the run).
func (f Fault) ActiveAt(t time.Duration) bool {
	return t >= f.At && (f.For == 0 || t < f.At+f.For)
}

// String names the fault for reports.
func (f Fault) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", f.Target, f.Kind)
	for _, extra := range []string{f.Hook, f.Verb, f.Workload} {
		if extra != "" {
			fmt.Fprintf(&b, " %s", extra)
		}
	}
	if f.Status != 0 {
		fmt.Fprintf(&b, " %d", f.Status)
	}
	fmt.Fprintf(&b, " from %s", f.At)
	if f.For > 0 {
		fmt.Fprintf(&b, " for %s", f.For)
	}
	if f.Probability < 1 {
		fmt.Fprintf(&b, " on %.0f%% of calls", f.Probability*100)
	}
	return b.String()
}

type rawFault struct {
	Target      string          `json:"target"`
	Kind        string          `json:"kind"`
	At          json.RawMessage `json:"at"`
	For         json.RawMessage `json:"for"`
	Probability *float64        `json:"probability"`
	Hook        string          `json:"hook"`
	Status      int             `json:"status"`
	Verb        string          `json:"verb"`
	Workload    string          `json:"workload"`
}

func (c *converter) faults(raw []rawFault) []Fault {
	out := make([]Fault, 0, len(raw))
	for i, r := range raw {
		out = append(out, c.fault(fmt.Sprintf("spec.faults[%d]", i), r))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}

func (c *converter) fault(path string, r rawFault) Fault {
	f := Fault{Target: FaultTarget(r.Target), Kind: r.Kind, Hook: r.Hook, Status: r.Status, Verb: r.Verb,
		Workload: r.Workload, Probability: 1}
	f.At = c.duration(path+".at", r.At, 0)
	f.For = c.duration(path+".for", r.For, 0)
	if r.Probability != nil {
		f.Probability = *r.Probability
	}
	c.faultKind(path, f)
	c.faultFields(path, f)
	return f
}

func (c *converter) faultKind(path string, f Fault) {
	kinds, ok := faultKinds[f.Target]
	switch {
	case !ok:
		c.errorf(path+".target", "%q is not a fault target: use one of prometheus, webhook, kubernetes, workload, engine", f.Target)
	case !slices.Contains(kinds, f.Kind):
		c.errorf(path+".kind", "%q is not a %s fault: use one of %s", f.Kind, f.Target, strings.Join(kinds, ", "))
	}
}

func (c *converter) faultFields(path string, f Fault) {
	if f.Probability <= 0 || f.Probability > 1 {
		c.errorf(path+".probability", "%v is not a probability: use a number above 0 and at most 1", f.Probability)
	}
	if f.Kind == "status" && (f.Status < 100 || f.Status > 599) {
		c.errorf(path+".status", "a status fault needs an HTTP status between 100 and 599, got %d", f.Status)
	}
	if f.Target == FaultWorkload && f.Workload != "canary" && f.Workload != "primary" {
		c.errorf(path+".workload", "say which workload the fault hits: canary or primary")
	}
	if f.Target == FaultKubernetes && !slices.Contains(kubeVerbs, f.Verb) {
		c.errorf(path+".verb", "%q is not a client call: use one of get, list, create, update, patch, status (or leave it out for every call)", f.Verb)
	}
	if f.Hook != "" && f.Target != FaultWebhook {
		c.errorf(path+".hook", "only webhook faults name a hook")
	}
}

// faultHooks checks that a webhook fault names one of the Canary's hooks.
func (c *converter) faultHooks(s *Scenario) {
	a := s.Canary.GetAnalysis()
	if a == nil {
		return
	}
	var names []string
	for _, h := range a.Webhooks {
		names = append(names, h.Name)
	}
	for i, f := range s.Faults {
		if f.Hook != "" && !slices.Contains(names, f.Hook) {
			c.errorf(fmt.Sprintf("spec.faults[%d].hook", i), "the Canary has no webhook named %q (it has %s)", f.Hook, strings.Join(names, ", "))
		}
	}
}
