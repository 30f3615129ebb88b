// Package webhook calls a Canary's webhooks the way Flagger does: the same
// JSON payload and checksum, the same per-attempt timeout, the same retry
// policy and exponential backoff (Flagger uses go-retryablehttp's defaults),
// and the same success rule (an HTTP status of 202 or lower).
//
// It is the imperative shell around those rules: it owns the HTTP client, but
// backoff waits go through an injectable sleeper and event timestamps are
// passed in, so a virtual-time run never sleeps and never reads a clock to
// decide anything.
package webhook

import (
	"context"
	"net/http"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Result is the outcome of one webhook call, retries included.
type Result struct {
	// Status is the HTTP status of the last answer; 0 when none came.
	Status int
	// Err says why the call failed, worded for the hook's owner; nil means
	// the hook approved.
	Err error
	// Attempts counts the HTTP requests made: 1 plus the retries used, 0 when
	// the hook could not even be called (bad URL or timeout).
	Attempts int
	// Duration is how long the call took in the caller's time: request time
	// measured on the wall clock and divided by TimeScale, plus the backoff
	// waits handed to Sleep. It is measured, so it is not deterministic.
	Duration time.Duration
}

// OK is true when the hook approved: it answered with a status of 202 or
// lower, after at most its retries.
func (r Result) OK() bool { return r.Err == nil }

// Caller posts webhook payloads. The zero value is ready to use and behaves
// like Flagger in real time.
type Caller struct {
	// Client sends the requests. When nil, each call gets its own connection
	// pool, closed when the call ends, as Flagger does.
	Client *http.Client
	// TimeScale shrinks time for virtual-time runs: 0 or 1 is real time;
	// 0.001 makes a 10s timeout 10ms. The fake webhook servers scale their
	// latencies by the same factor, so "answers after the timeout" keeps its
	// meaning without the wait.
	TimeScale float64
	// Sleep waits between attempts. It receives the unscaled backoff
	// (1s, 2s, 4s...), so a virtual clock can advance by it. When nil, the
	// caller sleeps for real, for the backoff times TimeScale.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now reads the wall clock to measure Result.Duration; nil means the
	// system clock. Only Duration depends on it, never a decision.
	Now func() time.Time
}

// Call posts the payload of a phase hook (every type but event) and reports
// whether the hook approved.
func (c *Caller) Call(ctx context.Context, cd *v1beta1.Canary, phase v1beta1.CanaryPhase, hook v1beta1.CanaryWebhook) Result {
	if cd == nil {
		return Result{Err: errNoCanary(hook)}
	}
	return c.post(ctx, hook, phasePayload(cd, phase, hook), phaseHookTimeout)
}

// CallEvent posts an event hook's payload: the Canary's current phase, and
// the event's message, type and time (at, in Unix milliseconds) in the
// metadata, where they win over the hook's own metadata keys.
func (c *Caller) CallEvent(ctx context.Context, cd *v1beta1.Canary, hook v1beta1.CanaryWebhook, message, eventType string, at time.Time) Result {
	if cd == nil {
		return Result{Err: errNoCanary(hook)}
	}
	return c.post(ctx, hook, eventPayload(cd, hook, message, eventType, at), eventHookTimeout)
}
