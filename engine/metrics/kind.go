package metrics

import (
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Kind is how one metric is measured. The values line up with the engine's
// MetricCheck constants (success rate first, unusable last).
type Kind int

// The kinds of measurement, in the order Flagger checks them for a metric.
const (
	// KindSuccessRate is the builtin request-success-rate.
	KindSuccessRate Kind = iota + 1
	// KindDuration is the builtin request-duration.
	KindDuration
	// KindInlineQuery is the deprecated inline PromQL query, run against
	// the Canary's metrics server.
	KindInlineQuery
	// KindTemplate is a MetricTemplate query, run against the template's
	// provider.
	KindTemplate
	// KindUnusable is a metric with no builtin name, no template and no
	// query: Flagger fails the check when it reaches it.
	KindUnusable
)

var kindNames = [...]string{"", "success-rate", "duration", "inline-query", "template", "unusable"}

func (k Kind) String() string {
	if k < KindSuccessRate || k > KindUnusable {
		return "unknown"
	}
	return kindNames[k]
}

// Classify lists how Flagger checks one metric, in its order. Flagger walks
// the metrics twice: first for builtin names and inline queries
// (runBuiltinMetricChecks), then for templates (runMetricChecks). So a metric
// named request-duration with a query is measured twice, and one with a
// templateRef too; across metrics, every first-pass kind of every metric runs
// before any KindTemplate or KindUnusable.
func Classify(m v1beta1.CanaryMetric) []Kind {
	var kinds []Kind
	if m.Name == MetricSuccessRate {
		kinds = append(kinds, KindSuccessRate)
	}
	if m.Name == MetricDuration {
		kinds = append(kinds, KindDuration)
	}
	if m.Query != "" {
		kinds = append(kinds, KindInlineQuery)
	}
	switch {
	case m.TemplateRef != nil:
		kinds = append(kinds, KindTemplate)
	case len(kinds) == 0:
		kinds = append(kinds, KindUnusable)
	}
	return kinds
}
