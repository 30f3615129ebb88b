// This file is the webhook boundary: the answer a webhook fault dictates
// for a call of a hook.

package fault

import (
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
)

// HookAnswer is the injected answer for a call of hook at now, if a fault
// fires on it.
func (p *Plan) HookAnswer(hook v1beta1.CanaryWebhook, now time.Time) (hooks.Answer, bool) {
	f, ok := p.active(scenarios.FaultWebhook, now, func(f scenarios.Fault) bool {
		return f.Hook == "" || f.Hook == hook.Name
	})
	if !ok {
		return hooks.Answer{}, false
	}
	switch f.Kind {
	case "timeout":
		return hooks.Answer{Timeout: true}, true
	case "refused":
		return hooks.Answer{Refused: true}, true
	case "slow":
		// The hook's own answer, just inside its timeout.
		return hooks.Answer{Latency: hook.GetTimeout() * 9 / 10}, true
	case "flap":
		if p.flap(hook.Name) {
			return hooks.Answer{Status: 503}, true
		}
		return hooks.Answer{}, false
	}
	return hooks.Answer{Status: f.Status}, true
}
