// This file converts a scenario's expectations: the events it predicts (with config changes),
// the final phase and the per-tick checks.

package scenarios

import (
	"slices"
	"sort"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func (c *converter) events(raw []rawEvent) []Event {
	out := make([]Event, 0, len(raw))
	for i, r := range raw {
		out = append(out, c.event(indexPath("spec.events", i), r))
	}
	// Written in any order, replayed in time order; equal times keep theirs.
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}

func (c *converter) event(path string, r rawEvent) Event {
	e := Event{At: c.duration(path+".at", r.At, 0), Revision: r.Revision}
	if isAbsent(r.At) {
		c.errorf(path+".at", "missing: say when the event happens (time since the start of the run)")
	}
	kinds := []struct {
		kind EventKind
		set  bool
	}{{EventRevision, r.Revision != ""}, {EventPause, r.Pause}, {EventResume, r.Resume}, {EventDelete, r.Delete},
		{EventConfig, r.ConfigMap != nil}, {EventConfig, r.Secret != nil}}
	n := 0
	for _, k := range kinds {
		if k.set {
			e.Kind, n = k.kind, n+1
		}
	}
	if n != 1 {
		c.errorf(path, "an event does exactly one thing: give one of revision: IMAGE, pause: true, resume: true, delete: true, "+
			"configMap: {name, data} or secret: {name, data} (found %d)", n)
	}
	e.Config = c.configChange(path, r)
	return e
}

// configChange reads a configMap: or secret: event: the name of one in the
// manifests (checked once they are loaded) and its new data.
func (c *converter) configChange(path string, r rawEvent) *ConfigChange {
	kind, raw := "ConfigMap", r.ConfigMap
	if raw == nil {
		kind, raw, path = "Secret", r.Secret, path+".secret"
	} else {
		path += ".configMap"
	}
	if raw == nil {
		return nil
	}
	if raw.Name == "" {
		c.errorf(path+".name", "missing: name the %s whose data changes", kind)
	}
	if raw.Data == nil {
		c.errorf(path+".data", "missing: give the %s's new data (it replaces the old)", kind)
	}
	return &ConfigChange{Kind: kind, Name: raw.Name, Data: raw.Data}
}

var phases = []string{
	string(v1beta1.CanaryPhaseInitializing), string(v1beta1.CanaryPhaseInitialized), string(v1beta1.CanaryPhaseWaiting),
	string(v1beta1.CanaryPhaseProgressing), string(v1beta1.CanaryPhaseWaitingPromotion), string(v1beta1.CanaryPhasePromoting),
	string(v1beta1.CanaryPhaseFinalising), string(v1beta1.CanaryPhaseSucceeded), string(v1beta1.CanaryPhaseFailed),
	string(v1beta1.CanaryPhaseTerminating), string(v1beta1.CanaryPhaseTerminated),
}

func (c *converter) phase(path, p string) v1beta1.CanaryPhase {
	if p != "" && !slices.Contains(phases, p) {
		c.errorf(path, "%q is not a Canary phase: use one of %s%s", p, strings.Join(phases, ", "), suggest(p, phases))
	}
	return v1beta1.CanaryPhase(p)
}

func (c *converter) expect(r *rawExpect) Expect {
	if r == nil {
		return Expect{}
	}
	e := Expect{Outcome: c.phase("spec.expect.outcome", r.Outcome), MaxWeight: r.MaxWeight,
		Within: c.duration("spec.expect.within", r.Within, 0)}
	c.weight("spec.expect.maxWeight", r.MaxWeight)
	for i, t := range r.Ticks {
		path := indexPath("spec.expect.ticks", i)
		e.Ticks = append(e.Ticks, c.tickExpect(path, t))
		if i > 0 && t.Tick <= r.Ticks[i-1].Tick {
			c.errorf(path+".tick", "tick %d does not come after tick %d: list ticks in ascending order, each once", t.Tick, r.Ticks[i-1].Tick)
		}
	}
	return e
}

func (c *converter) tickExpect(path string, r rawTickExpect) TickExpect {
	t := TickExpect{Tick: r.Tick, Phase: c.phase(path+".phase", r.Phase), CanaryWeight: r.CanaryWeight,
		PrimaryWeight: r.PrimaryWeight, FailedChecks: r.FailedChecks, Iterations: r.Iterations}
	if r.Tick < 1 {
		c.errorf(path+".tick", "%d is not a tick: ticks count from 1, the first reconcile after the release", r.Tick)
	}
	c.weight(path+".canaryWeight", r.CanaryWeight)
	c.weight(path+".primaryWeight", r.PrimaryWeight)
	if r.FailedChecks != nil && *r.FailedChecks < 0 {
		c.errorf(path+".failedChecks", "must not be negative")
	}
	if r.Iterations != nil && *r.Iterations < -1 {
		c.errorf(path+".iterations", "must be -1 (WaitingPromotion) or more")
	}
	return t
}
