package sim

import (
	"context"
	"math"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/scenarios"
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

// scriptedCluster overrides the workloads' readiness where the script says.
type scriptedCluster struct {
	runner.Cluster
	s *script
}

func (c *scriptedCluster) Workloads(ctx context.Context, cd *v1beta1.Canary, now time.Time) (engine.Workload, engine.Workload, error) {
	t, p, err := c.Cluster.Workloads(ctx, cd, now)
	st := c.s.at()
	override(&t, st.Canary, now)
	override(&p, st.Primary, now)
	return t, p, err
}

func override(w *engine.Workload, s scenarios.WorkloadState, now time.Time) {
	switch s {
	case scenarios.Ready:
		w.Readiness, w.Message = engine.Ready, ""
	case scenarios.NotReady:
		w.Readiness, w.Message = engine.NotReady, "not ready (scripted)"
	case scenarios.DeadlineExceeded:
		w.Readiness, w.Message = engine.DeadlineExceeded, "progress deadline exceeded (scripted)"
	}
}
