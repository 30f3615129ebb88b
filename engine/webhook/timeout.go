// This file resolves a hook's timeout (its default and what an invalid value means) and scales
// durations by the caller's time scale for fast rehearsals.

package webhook

import (
	"fmt"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// timeoutRule says which of Flagger's two readings of the timeout field
// applies: phase hooks treat anything shorter than two characters ("" or
// "5") as unset, event hooks only the empty string.
type timeoutRule int

const (
	phaseHookTimeout timeoutRule = iota
	eventHookTimeout
)

// timeoutOf returns the per-attempt timeout. Flagger refuses to call a hook
// whose timeout does not parse, so this does too instead of silently using
// the default. A zero or negative timeout means "none" in Flagger; here it
// falls back to the 10s default (GetTimeout), so no call can wait forever.
func timeoutOf(hook v1beta1.CanaryWebhook, rule timeoutRule) (time.Duration, error) {
	if unset(hook.Timeout, rule) {
		return v1beta1.DefaultWebhookTimeout, nil
	}
	if _, err := time.ParseDuration(hook.Timeout); err != nil {
		return 0, fmt.Errorf("webhook %q: timeout %q is not a duration such as 30s or 1m; fix the Canary's webhook: %w",
			hook.Name, hook.Timeout, err)
	}
	return hook.GetTimeout(), nil
}

func unset(raw string, rule timeoutRule) bool {
	if rule == phaseHookTimeout {
		return len(raw) < 2
	}
	return raw == ""
}

// scale converts a duration of the caller's time into wall time.
func (c *Caller) scale(d time.Duration) time.Duration {
	s := c.timeScale()
	if s == 1 {
		return d
	}
	return max(time.Duration(float64(d)*s), time.Microsecond)
}

// unscale converts a measured wall duration into the caller's time.
func (c *Caller) unscale(d time.Duration) time.Duration {
	return time.Duration(float64(d) / c.timeScale())
}

func (c *Caller) timeScale() float64 {
	if c.TimeScale <= 0 {
		return 1
	}
	return c.TimeScale
}
