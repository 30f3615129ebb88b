package runner

import (
	"context"
	"errors"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
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
