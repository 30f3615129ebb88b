// This file adapts a metrics source and a webhook caller to the runner's Metrics and Hooks
// interfaces, so the runner stays ignorant of Prometheus and HTTP.

package runner

import (
	"context"
	"errors"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/engine/webhook"
)

// SourceMetrics measures metrics through the engine's Prometheus-backed
// metric source, turning "no values" into the answer the engine judges.
type SourceMetrics struct {
	Source *metrics.Source
}

// Measure implements Metrics.
func (m SourceMetrics) Measure(ctx context.Context, cd *v1beta1.Canary, metric v1beta1.CanaryMetric, check engine.MetricCheck, at time.Time) engine.Answer {
	meas, err := m.Source.Measure(ctx, cd, metric, metrics.Kind(check), at)
	a := engine.Answer{Value: meas.Value, Query: meas.Query}
	switch {
	case errors.Is(err, metrics.ErrNoValuesFound):
		a.NoValues = true
	case err != nil:
		a.Err = err.Error()
	}
	return a
}

// CallerHooks calls webhooks over HTTP with the engine's webhook caller.
type CallerHooks struct {
	Caller *webhook.Caller
}

// Call implements Hooks.
func (h CallerHooks) Call(ctx context.Context, cd *v1beta1.Canary, hook v1beta1.CanaryWebhook, phase v1beta1.CanaryPhase) engine.Answer {
	r := h.Caller.Call(ctx, cd, phase, hook)
	a := engine.Answer{Status: r.Status}
	if r.Err != nil {
		a.Err = r.Err.Error()
	}
	return a
}

// Event implements Hooks; an event hook's failure changes nothing.
func (h CallerHooks) Event(ctx context.Context, cd *v1beta1.Canary, hook v1beta1.CanaryWebhook, e engine.Event, at time.Time) {
	h.Caller.CallEvent(ctx, cd, hook, e.Message, string(e.Type), at)
}
