// Package runner is the imperative shell around the engine: it observes the
// world, steps the engine until it has every answer it asked for, and
// applies the decision. The simulator and the real controller share it; they
// differ only in what implements the small interfaces below and in who owns
// the clock.
package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Cluster reads and writes the Canary's workloads and status.
type Cluster interface {
	// Workloads observes the target and the primary at time now.
	Workloads(ctx context.Context, cd *v1beta1.Canary, now time.Time) (target, primary engine.Workload, err error)
	// Apply carries out one workload action (initialize, scale, promote).
	Apply(ctx context.Context, cd *v1beta1.Canary, a engine.Action) error
	// WriteStatus writes the Canary's status once per tick.
	WriteStatus(ctx context.Context, cd *v1beta1.Canary, st v1beta1.CanaryStatus) error
	// Record records Kubernetes events about the Canary.
	Record(ctx context.Context, cd *v1beta1.Canary, events []engine.Event, now time.Time) error
}

// Router reads and sets traffic weights.
type Router interface {
	Routes(ctx context.Context, cd *v1beta1.Canary) (engine.Routes, error)
	SetRoutes(ctx context.Context, cd *v1beta1.Canary, r engine.Routes) error
}

// Metrics measures one metric check at time at.
type Metrics interface {
	Measure(ctx context.Context, cd *v1beta1.Canary, m v1beta1.CanaryMetric, check engine.MetricCheck, at time.Time) engine.Answer
}

// Hooks calls webhooks.
type Hooks interface {
	Call(ctx context.Context, cd *v1beta1.Canary, h v1beta1.CanaryWebhook, phase v1beta1.CanaryPhase) engine.Answer
	// Event forwards an event to an event hook; its failure changes nothing.
	Event(ctx context.Context, cd *v1beta1.Canary, h v1beta1.CanaryWebhook, e engine.Event, at time.Time)
}

// Notifier sends alerts; nil means alerts are only recorded.
type Notifier interface {
	Alert(ctx context.Context, cd *v1beta1.Canary, a engine.Alert) error
}

// Runner runs one tick of one Canary.
type Runner struct {
	Cluster  Cluster
	Router   Router
	Metrics  Metrics
	Hooks    Hooks
	Notifier Notifier
	Options  engine.Options
}

// Tick is what one reconcile saw, decided and did.
type Tick struct {
	At       time.Time
	Before   v1beta1.CanaryStatus
	Decision engine.Decision
	// Routes are the router's weights after the tick.
	Routes engine.Routes
	// PostRollout are the post-rollout hooks' answers, in order.
	PostRollout []engine.Check
	// Errors are failures to apply the decision; the next tick starts from
	// whatever the cluster holds (the engine is level-triggered).
	Errors []string
}

// maxAsks bounds the re-entries of one tick: every question names a distinct
// hook or metric check, so more than this means a bug, not a big Canary.
const maxAsks = 1000

// askedPerTick sizes a tick's answers: a few hooks and metrics.
const askedPerTick = 8

// Reconcile observes, decides and applies one tick at time now.
func (r *Runner) Reconcile(ctx context.Context, cd *v1beta1.Canary, now time.Time) (*Tick, error) {
	obs, err := r.observe(ctx, cd, now)
	if err != nil {
		return nil, err
	}
	d, err := r.decide(ctx, cd, obs, now)
	if err != nil {
		return nil, err
	}
	// Before shares the status's slices and maps: a status write replaces
	// the status, it never changes it in place (nor does anything else).
	t := &Tick{At: now, Before: cd.Status, Decision: d, Routes: obs.Routes}
	r.apply(ctx, cd, t)
	return t, nil
}

func (r *Runner) observe(ctx context.Context, cd *v1beta1.Canary, now time.Time) (engine.Observations, error) {
	target, primary, err := r.Cluster.Workloads(ctx, cd, now)
	if err != nil {
		return engine.Observations{}, fmt.Errorf("observing the workloads of canary %s/%s: %w", cd.Namespace, cd.Name, err)
	}
	routes, err := r.Router.Routes(ctx, cd)
	if err != nil {
		return engine.Observations{}, fmt.Errorf("reading the routes of canary %s/%s: %w", cd.Namespace, cd.Name, err)
	}
	return engine.Observations{Target: target, Primary: primary, Routes: routes}, nil
}

// decide answers the engine's questions one by one, then steps it once
// with every answer in: engine.NextQuestion asks them in Step's order
// without writing the texts each re-entry of Step would write again.
func (r *Runner) decide(ctx context.Context, cd *v1beta1.Canary, obs engine.Observations, now time.Time) (engine.Decision, error) {
	for range maxAsks {
		q, ok := engine.NextQuestion(cd, obs, now, r.Options)
		if !ok {
			return engine.Step(cd, obs, now, r.Options), nil
		}
		if obs.Answers == nil { // made at the first question: many ticks ask none
			obs.Answers = make(map[engine.Question]engine.Answer, askedPerTick)
		}
		obs.Answers[q] = r.answer(ctx, cd, q, now)
	}
	return engine.Decision{}, fmt.Errorf("canary %s/%s: the engine asked more than %d questions in one tick", cd.Namespace, cd.Name, maxAsks)
}

func (r *Runner) answer(ctx context.Context, cd *v1beta1.Canary, q engine.Question, now time.Time) engine.Answer {
	a := cd.GetAnalysis()
	if q.Kind == engine.AskHook {
		return r.Hooks.Call(ctx, cd, a.Webhooks[q.Index], q.Phase)
	}
	return r.Metrics.Measure(ctx, cd, a.Metrics[q.Index], q.Check, now)
}
