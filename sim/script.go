// This file answers a scripted scenario's checks and webhooks from its
// script, tick by tick.

package sim

import (
	"context"
	"math"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
)

// script answers the engine from a scenario's per-tick script, as Flagger's
// own unit tests drive its scheduler: no Prometheus, no webhook server.
type script struct {
	sc   *scenarios.Scenario
	tick int // the tick being decided; 0 before the release
}

func (s *script) at() scenarios.ScriptTick {
	if s.tick < 1 {
		return scenarios.ScriptTick{}
	}
	return s.sc.ScriptAt(s.tick)
}

// Measure answers a metric from the script: a value, no value, or an error.
func (s *script) Measure(_ context.Context, _ *v1beta1.Canary, m v1beta1.CanaryMetric, _ engine.MetricCheck, _ time.Time) engine.Answer {
	a, ok := s.at().Metrics[m.Name]
	switch {
	case !ok:
		return engine.Answer{Err: "the script gives no value for metric " + m.Name + " at this tick"}
	case a.Error != "":
		return engine.Answer{Err: a.Error}
	case a.NoValue || math.IsNaN(a.Value):
		return engine.Answer{NoValues: true}
	}
	return engine.Answer{Value: a.Value}
}

// Call answers a webhook from the script; a hook the script leaves out
// answers 200.
func (s *script) Call(_ context.Context, _ *v1beta1.Canary, h v1beta1.CanaryWebhook, _ v1beta1.CanaryPhase) engine.Answer {
	a, ok := s.at().Webhooks[h.Name]
	switch {
	case !ok:
		return engine.Answer{Status: 200}
	case a.Timeout:
		return engine.Answer{Err: "timed out after " + h.GetTimeout().String()}
	case a.Refused:
		return engine.Answer{Err: "connection refused"}
	}
	return engine.Answer{Status: a.Status}
}

// Event implements runner.Hooks; scripted runs send no event hooks.
func (s *script) Event(context.Context, *v1beta1.Canary, v1beta1.CanaryWebhook, engine.Event, time.Time) {
}

// workload is the script's word on a workload of cd at the tick being
// run: the canary's or the primary's state, played by the Deployment
// controller, so that the engine reads it from the workload's conditions as
// it would on a cluster. A not-ready workload has been unavailable since the
// first tick of its current not-ready run of ticks, ticks being interval
// apart from the release.
func (s *script) workload(cd *v1beta1.Canary, name string, release time.Time, interval time.Duration) (memory.Behaviour, bool) {
	if s.tick < 1 {
		return memory.Behaviour{}, false
	}
	state := func(t scenarios.ScriptTick) scenarios.WorkloadState { return t.Canary }
	switch name {
	case cd.Spec.TargetRef.Name:
	case cd.PrimaryName():
		state = func(t scenarios.ScriptTick) scenarios.WorkloadState { return t.Primary }
	default:
		return memory.Behaviour{}, false
	}
	switch state(s.at()) {
	case scenarios.Ready:
		return memory.Behaviour{}, true
	case scenarios.NotReady:
		first := s.tick
		for first > 1 && state(s.sc.ScriptAt(first-1)) == scenarios.NotReady {
			first--
		}
		since := release.Add(time.Duration(first) * interval)
		return memory.Behaviour{Never: true, Reason: "readiness probe failing (scripted)", Since: since}, true
	case scenarios.DeadlineExceeded:
		return memory.Behaviour{Never: true, DeadlineExceeded: true, Reason: "progress deadline exceeded (scripted)"}, true
	}
	return memory.Behaviour{}, false
}
