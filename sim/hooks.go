// This file is how the engine's webhook calls reach the world's receivers,
// so that virtual time, not the machine's load, decides a timeout.

package sim

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/engine/webhook"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/fault"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
)

// worldHooks calls the world's webhook receivers so that virtual time, not
// the machine's load, decides whether a hook times out: an answer the
// scenario makes slower than the hook's timeout is awaited with the timeout
// scaled down (it will time out, quickly); every other answer is awaited
// with the real timeout, which a scaled-down latency never reaches.
type worldHooks struct {
	sc      *scenarios.Scenario
	srv     *hooks.Server // the receivers the calls reach
	faults  *fault.Plan
	fast    runner.CallerHooks // scaled timeouts: for answers meant to time out
	patient runner.CallerHooks // real timeouts
	now     func() time.Time   // the virtual time of the tick being run
	// urls maps each rewritten hook URL back to the manifest's, so reports
	// name what the user wrote, not a loopback port that changes every run.
	urls map[string]string
	// heys are the world's hey parses (receivers): timesOut reads a bash
	// hook's command at every call.
	heys *heyParses
}

// newWorldHooks calls the receivers r through c, with the scenario's
// answers and the plan's faults, latencies and timeouts shrunk by scale.
func newWorldHooks(sc *scenarios.Scenario, r *receivers, plan *fault.Plan, c *http.Client, scale float64, now func() time.Time) *worldHooks {
	return &worldHooks{sc: sc, srv: r.srv, faults: plan,
		fast:    runner.CallerHooks{Caller: &webhook.Caller{Client: c, TimeScale: scale, Sleep: noSleep}},
		patient: runner.CallerHooks{Caller: &webhook.Caller{Client: c, TimeScale: 1, Sleep: noSleep}},
		now:     now, urls: r.urls, heys: &r.heys}
}

// Call implements runner.Hooks.
func (h *worldHooks) Call(ctx context.Context, cd *v1beta1.Canary, hook v1beta1.CanaryWebhook, phase v1beta1.CanaryPhase) engine.Answer {
	c := h.patient
	if h.timesOut(hook) {
		c = h.fast
	}
	if f, ok := h.faults.HookAnswer(hook, h.now()); ok && h.srv != nil {
		h.srv.Override(hook.Name, f)
		defer h.srv.Clear(hook.Name)
		if f.Timeout || f.Latency >= hook.GetTimeout() {
			c = h.fast
		}
	}
	if c == h.patient && h.srv != nil {
		// This answer comes before the timeout: no need to wait for it.
		h.srv.Hurry(true)
		defer h.srv.Hurry(false)
	}
	a := c.Call(ctx, cd, hook, phase)
	a.Err = h.stable(a.Err)
	return a
}

// Event implements runner.Hooks.
func (h *worldHooks) Event(ctx context.Context, cd *v1beta1.Canary, hook v1beta1.CanaryWebhook, e engine.Event, at time.Time) {
	h.patient.Event(ctx, cd, hook, e, at)
}

// timesOut says whether the scenario's answer at this moment comes later
// than the hook's timeout.
func (h *worldHooks) timesOut(hook v1beta1.CanaryWebhook) bool {
	a, own := h.scenarioAnswer(hook)
	if a.Timeout || a.Latency >= hook.GetTimeout() {
		return true
	}
	if own {
		return false
	}
	// The loadtester answers a bash task when its command ends.
	d, blocking := blockingFor(hook, h.heys)
	return blocking && a.Latency+d >= hook.GetTimeout()
}

// scenarioAnswer is the scenario's answer for the hook at this moment, and
// whether it replaces the endpoint's own (a status, a timeout, a refusal or
// a gate) rather than only delaying it.
func (h *worldHooks) scenarioAnswer(hook v1beta1.CanaryWebhook) (scenarios.HookAnswer, bool) {
	wh, ok := h.sc.Webhooks[hook.Name]
	switch {
	case !ok:
		return scenarios.HookAnswer{}, false
	case wh.Gate != nil:
		return wh.AnswerAt(h.now().Sub(epoch)), true
	}
	var a scenarios.HookAnswer
	for _, x := range wh.Answers {
		if x.From > h.now().Sub(epoch) {
			break
		}
		a = x.HookAnswer
	}
	return a, a.Status != 0 || a.Timeout || a.Refused
}

func (h *worldHooks) stable(msg string) string {
	for rewritten, original := range h.urls {
		msg = strings.ReplaceAll(msg, rewritten, original)
	}
	return msg
}
