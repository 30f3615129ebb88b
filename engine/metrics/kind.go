// This file names the kinds of measurement (success rate, duration, inline query, template,
// unusable), in the order Flagger checks them and lined up with the engine's.

package metrics

// Kind is how one metric is measured. The values line up with the engine's
// MetricCheck constants (success rate first, unusable last); the engine's
// MetricChecks decides which kinds a metric gets, and in what order.
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
