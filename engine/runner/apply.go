// This file carries out one tick's decision: applying each action in order, post-rollout hooks,
// recording events with their event hooks, and sending alerts.

package runner

import (
	"context"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// apply carries out a decision in order: actions, then the status written
// once, then events and alerts. The first failing action stops the rest and
// the status is not written, so the next tick re-decides from what the
// cluster really holds.
func (r *Runner) apply(ctx context.Context, cd *v1beta1.Canary, t *Tick) {
	for _, a := range t.Decision.Actions {
		if err := r.act(ctx, cd, a, t); err != nil {
			t.Errors = append(t.Errors, err.Error())
			r.record(ctx, cd, t, []engine.Event{{Type: engine.EventWarning, Message: err.Error()}})
			return
		}
	}
	if err := r.Cluster.WriteStatus(ctx, cd, t.Decision.Status); err != nil {
		t.Errors = append(t.Errors, err.Error())
	}
	r.record(ctx, cd, t, t.Decision.Events)
	r.alert(ctx, cd, t)
	// Some routers derive their weights from the status (the kubernetes
	// provider's), so the weights a user would see are read back.
	if rt, err := r.Router.Routes(ctx, cd); err == nil {
		t.Routes = rt
	}
}

func (r *Runner) act(ctx context.Context, cd *v1beta1.Canary, a engine.Action, t *Tick) error {
	switch a.Kind {
	case engine.ActSetRoutes:
		if err := r.Router.SetRoutes(ctx, cd, a.Routes); err != nil {
			return err
		}
		t.Routes = a.Routes
		return nil
	case engine.ActPostRolloutHooks:
		t.PostRollout = r.postRollout(ctx, cd, a.Phase)
		return nil
	}
	return r.Cluster.Apply(ctx, cd, a)
}

// postRollout calls the post-rollout hooks in order and stops at the first
// failure, whose only effect is to be reported.
func (r *Runner) postRollout(ctx context.Context, cd *v1beta1.Canary, phase v1beta1.CanaryPhase) []engine.Check {
	var out []engine.Check
	for i, h := range cd.GetAnalysis().Webhooks {
		if h.Type != v1beta1.PostRolloutHook {
			continue
		}
		a := r.Hooks.Call(ctx, cd, h, phase)
		q := engine.Question{Kind: engine.AskHook, Index: i, Phase: phase}
		out = append(out, engine.Check{Question: q, Name: h.Name, HookType: h.Type, Answer: a, Passed: a.HookPassed()})
		if !a.HookPassed() {
			break
		}
	}
	return out
}

// record writes the events and forwards each to the Canary's event hooks.
func (r *Runner) record(ctx context.Context, cd *v1beta1.Canary, t *Tick, events []engine.Event) {
	if len(events) == 0 {
		return
	}
	if err := r.Cluster.Record(ctx, cd, events, t.At); err != nil {
		t.Errors = append(t.Errors, err.Error())
	}
	for _, h := range eventHooks(cd) {
		for _, e := range events {
			r.Hooks.Event(ctx, cd, h, e, t.At)
		}
	}
}

func eventHooks(cd *v1beta1.Canary) []v1beta1.CanaryWebhook {
	var out []v1beta1.CanaryWebhook
	if a := cd.GetAnalysis(); a != nil {
		for _, h := range a.Webhooks {
			if h.Type == v1beta1.EventHook {
				out = append(out, h)
			}
		}
	}
	return out
}

func (r *Runner) alert(ctx context.Context, cd *v1beta1.Canary, t *Tick) {
	if r.Notifier == nil {
		return
	}
	for _, a := range t.Decision.Alerts {
		if err := r.Notifier.Alert(ctx, cd, a); err != nil {
			t.Errors = append(t.Errors, err.Error())
		}
	}
}
