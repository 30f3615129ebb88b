// This file holds the rules about queries: each template rendered with the data Flagger gives it,
// its provider built, the query and render budgets, and builtin intervals Prometheus refuses.

package lint

import (
	"cmp"
	"fmt"
	"regexp"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/engine/metrics/budget"
)

// checkTemplateRender renders each template metric's query with the data
// Flagger would give it, and checks that the template's provider can be
// built for the metric and can send the query (RH018). Flagger only renders at analysis time, so a
// variable the Canary forgot to set fails every check of the rollout and
// rolls it back. A template that is not in the Set is RH002's business.
func checkTemplateRender(t *target) {
	for i, m := range t.a.Metrics {
		if m.TemplateRef == nil {
			continue
		}
		ns := cmp.Or(m.TemplateRef.Namespace, t.cd.Namespace)
		tpl, err := t.set.MetricTemplate(ns, m.TemplateRef.Name)
		if err != nil {
			continue
		}
		model := metrics.NewModel(t.cd, m.Interval, m.TemplateVariables)
		q, err := metrics.Render(tpl.Spec.Query, model)
		if err != nil {
			t.reportRender(i, m, tpl, err)
			continue
		}
		if metrics.IsPrometheus(tpl.Spec.Provider.Type) {
			if err := budget.Check(q, 0); err != nil {
				t.reportBudget(i, m, tpl, err)
				continue
			}
		}
		if err := metrics.CheckTemplate(tpl.Spec.Provider, m.Interval, q); err != nil {
			t.report(RuleTemplateProvider, fmt.Sprintf("metrics[%d].templateRef", i),
				"metric %q: MetricTemplate %s/%s (%s) fails every check in Flagger: %v",
				m.Name, tpl.Namespace, tpl.Name, t.placeOf("MetricTemplate", tpl.Namespace, tpl.Name), err)
		}
	}
}

// missingVariable finds the variable name in text/template's error for a
// missing map key under {{ variables.x }}.
var missingVariable = regexp.MustCompile(`<variables[^>]*>: map has no entry for key "([^"]*)"`)

func (t *target) reportRender(i int, m v1beta1.CanaryMetric, tpl *v1beta1.MetricTemplate, err error) {
	if budget.IsExceeded(err) {
		t.reportBudget(i, m, tpl, err)
		return
	}
	field := fmt.Sprintf("metrics[%d].templateVariables", i)
	ref := tpl.Namespace + "/" + tpl.Name
	if k := missingVariable.FindStringSubmatch(err.Error()); k != nil {
		t.report(RuleTemplateRender, field,
			"metric %q: MetricTemplate %s uses variables.%s, which the metric's templateVariables does not set: add templateVariables: {%s: ...} or fix the template's query",
			m.Name, ref, k[1], k[1])
		return
	}
	t.report(RuleTemplateRender, field, "metric %q: the query of MetricTemplate %s (%s) cannot be rendered: %v: fix the template",
		m.Name, ref, t.placeOf("MetricTemplate", tpl.Namespace, tpl.Name), err)
}

// reportBudget names the budget a template's render or query goes over.
func (t *target) reportBudget(i int, m v1beta1.CanaryMetric, tpl *v1beta1.MetricTemplate, err error) {
	t.report(RuleBudget, fmt.Sprintf("metrics[%d].templateRef", i),
		"metric %q: MetricTemplate %s/%s (%s) is over budget, so every check of it fails: %v",
		m.Name, tpl.Namespace, tpl.Name, t.placeOf("MetricTemplate", tpl.Namespace, tpl.Name), err)
}

// placeOf is "file:line" of an object of the Set.
func (t *target) placeOf(kind, namespace, name string) string {
	o := t.set.Origins[manifest.Key(kind, namespace, name)]
	return fmt.Sprintf("%s:%d", o.File, o.Line)
}

// checkBuiltinQueries: a builtin metric's interval goes into Flagger's own
// PromQL as a range; one Flagger's API accepts and Prometheus refuses (1min)
// fails every check (RH018).
func checkBuiltinQueries(t *target) {
	provider := metrics.MetricsProvider(t.cd, "")
	for i, m := range t.a.Metrics {
		if m.TemplateRef != nil || m.Query != "" || !manifest.IsBuiltinMetric(m.Name) || m.Interval == "" {
			continue
		}
		q, err := metrics.BuiltinQuery(provider, m.Name, metrics.NewModel(t.cd, m.Interval, nil))
		if err != nil {
			continue
		}
		if err := metrics.CheckPromQL(q); err != nil {
			t.report(RuleTemplateProvider, fmt.Sprintf("metrics[%d].interval", i),
				"metric %q: interval %q is not a Prometheus duration, so Flagger's own query fails every check: write e.g. 1m or 30s", m.Name, m.Interval)
		}
	}
}
