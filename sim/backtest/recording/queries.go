// This file renders a Canary's metric checks into the PromQL Flagger would
// send, with their bounds, the selectors they read and how far back they
// look, so the recording can be mapped and checked against them.

package recording

import (
	"cmp"
	"fmt"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// Query is one metric check of a Canary as Flagger renders it: the
// PromQL it sends and the bounds its answer is held to.
type Query struct {
	Metric string             // the Canary's metric name
	Check  engine.MetricCheck // builtin, inline query or template
	PromQL string
	// Min and Max are the bounds (the deprecated threshold included);
	// nil when the metric has none on that side.
	Min, Max *float64
	// Provider is the metrics provider a builtin duration is converted
	// under (seconds to milliseconds for the HTTP observer).
	Provider string
	// Selectors are the series selectors the query reads.
	Selectors []*parser.VectorSelector
	// Lookback is how far before an evaluation the query reads samples:
	// its longest range plus Prometheus's 5m lookback.
	Lookback time.Duration
}

// Value turns a query's raw answer into the number the engine compares,
// as the metric source does (whole milliseconds for a builtin duration).
func (q Query) Value(v float64) float64 {
	if q.Check == engine.CheckDuration {
		return metrics.DurationMillis(q.Provider, v)
	}
	return v
}

// Breaches says whether a value falls outside the bounds (both inclusive).
func (q Query) Breaches(v float64) bool {
	return (q.Min != nil && v < *q.Min) || (q.Max != nil && v > *q.Max)
}

// Templates finds a MetricTemplate by namespace and name.
type Templates func(namespace, name string) (*v1beta1.MetricTemplate, error)

// lookbackDelta is Prometheus's default --query.lookback-delta.
const lookbackDelta = 5 * time.Minute

// QueriesOf renders every metric check of the Canary, in Flagger's order,
// under the mesh provider meshProvider (empty: istio). A template whose
// provider is not Prometheus is refused: a recording answers PromQL only.
func QueriesOf(cd *v1beta1.Canary, meshProvider string, templates Templates) ([]Query, error) {
	a := cd.GetAnalysis()
	if a == nil {
		return nil, nil
	}
	provider := metrics.MetricsProvider(cd, meshProvider)
	var out []Query
	for _, pc := range engine.MetricChecks(a.Metrics) {
		m := a.Metrics[pc.Index]
		q, ok, err := queryOf(cd, m, pc.Check, provider, templates)
		if err != nil {
			return nil, fmt.Errorf("metric %q: %w", m.Name, err)
		}
		if ok {
			out = append(out, q)
		}
	}
	return out, nil
}

func queryOf(cd *v1beta1.Canary, m v1beta1.CanaryMetric, check engine.MetricCheck, provider string, templates Templates) (Query, bool, error) {
	q := Query{Metric: m.Name, Check: check, Provider: provider}
	q.Min, q.Max = engine.Thresholds(m, check)
	var err error
	switch check {
	case engine.CheckSuccessRate, engine.CheckDuration:
		q.PromQL, err = metrics.BuiltinQuery(provider, m.Name, metrics.NewModel(cd, m.GetInterval(), m.TemplateVariables))
	case engine.CheckQuery:
		q.PromQL, err = metrics.Render(m.Query, metrics.NewModel(cd, m.GetInterval(), m.TemplateVariables))
	case engine.CheckTemplate:
		q.PromQL, err = templateQuery(cd, m, templates)
	default:
		return q, false, nil // Flagger fails such a metric without a query
	}
	if err != nil {
		return q, false, err
	}
	return q, true, q.parse()
}

func templateQuery(cd *v1beta1.Canary, m v1beta1.CanaryMetric, templates Templates) (string, error) {
	ns := cmp.Or(m.TemplateRef.Namespace, cd.Namespace)
	tpl, err := templates(ns, m.TemplateRef.Name)
	if err != nil {
		return "", err
	}
	if t := tpl.Spec.Provider.Type; !metrics.IsPrometheus(t) {
		return "", fmt.Errorf("MetricTemplate %s/%s queries %s: a recording of Prometheus series answers PromQL only; backtest the Prometheus metrics, or drop this one from the Canary",
			ns, tpl.Name, t)
	}
	return metrics.Render(tpl.Spec.Query, metrics.NewModel(cd, m.Interval, m.TemplateVariables))
}

// parse finds the query's selectors and how far back it reads.
func (q *Query) parse() error {
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(q.PromQL)
	if err != nil {
		return fmt.Errorf("its query %q is not PromQL: %w", q.PromQL, err)
	}
	var longest time.Duration
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		switch x := n.(type) {
		case *parser.VectorSelector:
			q.Selectors = append(q.Selectors, x)
		case *parser.MatrixSelector:
			longest = max(longest, x.Range)
		case *parser.SubqueryExpr:
			longest = max(longest, x.Range)
		}
		return nil
	})
	q.Lookback = longest + lookbackDelta
	return nil
}
