// This file turns one engine tick into the report's row.

package sim

import (
	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/reports"
)

// record turns one runner tick into a report row; the weights are those
// users' traffic saw under provider.
func record(n int, t float64, cd *v1beta1.Canary, provider string, tk *runner.Tick) reports.Tick {
	st := tk.Decision.Status
	routes := engine.ServedRoutes(provider, tk.Routes)
	metrics := 0
	for _, c := range tk.Decision.Checks {
		if c.Question.Kind == engine.AskMetric {
			metrics++
		}
	}
	// Every row's lists are made at their length (empty, not nil, when
	// there is nothing: the report writes [] for them), the events' only
	// when there are some.
	row := reports.Tick{Tick: n, T: t, Phase: string(st.Phase), CanaryWeight: routes.Canary,
		PrimaryWeight: routes.Primary, Mirrored: routes.Mirrored, FailedChecks: st.FailedChecks,
		Iterations: st.Iterations, Reason: tk.Decision.Reason, Metrics: make([]reports.Metric, 0, metrics),
		Webhooks: make([]reports.Webhook, 0, len(tk.Decision.Checks)-metrics+len(tk.PostRollout))}
	if events := len(tk.Decision.Events) + len(tk.Errors); events > 0 {
		row.Events = make([]string, 0, events)
	}
	for _, c := range tk.Decision.Checks {
		if c.Question.Kind == engine.AskMetric {
			row.Metrics = append(row.Metrics, metricRow(cd, c))
		} else {
			row.Webhooks = append(row.Webhooks, hookRow(c))
		}
	}
	for _, c := range tk.PostRollout {
		row.Webhooks = append(row.Webhooks, hookRow(c))
	}
	for _, e := range tk.Decision.Events {
		row.Events = append(row.Events, e.Message)
	}
	for _, e := range tk.Errors {
		row.Events = append(row.Events, "error: "+e)
	}
	return row
}

func metricRow(cd *v1beta1.Canary, c engine.Check) reports.Metric {
	m := cd.GetAnalysis().Metrics[c.Question.Index]
	row := reports.Metric{Name: m.Name, Passed: c.Passed, Query: c.Answer.Query, Error: c.Answer.Err}
	row.Min, row.Max = engine.Thresholds(m, c.Question.Check)
	switch {
	case c.Question.Check == engine.CheckUnusable:
		row.Error = "no builtin name, templateRef or query"
	case c.Answer.NoValues:
		row.Error = "no values found"
	case c.Answer.Err == "":
		v := c.Answer.Value
		row.Value = &v
	}
	return row
}

func hookRow(c engine.Check) reports.Webhook {
	return reports.Webhook{Name: c.Name, Type: string(c.HookType), Status: c.Answer.Status, Passed: c.Passed, Error: c.Answer.Err}
}
