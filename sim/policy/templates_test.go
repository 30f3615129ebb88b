// This file checks how template and inline-query metrics are judged: kept,
// stubbed with a note, or kept when a likely typo should fail.

package policy

import (
	"reflect"
	"strings"
	"testing"
)

// templateYAML is a MetricTemplate "t" with the given provider type and query.
func templateYAML(provider, query string) string {
	return `apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata: {name: t, namespace: ns}
spec:
  provider: {type: ` + provider + `, address: "http://prometheus:9090"}
  query: '` + query + `'
`
}

// TestTemplateMetrics: a template over the provider's series is rehearsed
// as written; one over series rehearse cannot make is replaced by a
// passing constant, with a note; a likely typo is kept, so it fails.
func TestTemplateMetrics(t *testing.T) {
	cases := []struct {
		name, provider, query, metric string
		stub                          string // the constant query, "" when kept
		note                          string // part of the note, "" for none
	}{
		{"istio series", "prometheus", `sum(rate(istio_requests_total{destination_workload="{{ target }}",response_code!="404"}[1m]))`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "", ""},
		{"histogram series", "prometheus", `histogram_quantile(0.9, rate(istio_request_duration_milliseconds_bucket[1m]))`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "", ""},
		{"a gauge rehearse cannot derive, max", "prometheus", `max(queue_depth{app="{{ target }}"})`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 100}}", "vector(100)",
			"cannot produce series `queue_depth{app=\"app\"}` for metric `c` (a gauge that is not a latency, which rehearse cannot derive from requests, errors and latency); give it in the scenario (`series:`) or leave it out. Meanwhile it answers 100 in every rehearsal"},
		{"a gauge rehearse cannot derive, min", "prometheus", `avg(orders_pending)`,
			"{name: c, templateRef: {name: t}, interval: 2m, thresholdRange: {min: 0.5, max: 9}}", "vector(0.5)", "cannot produce series `orders_pending`"},
		{"an application counter", "prometheus", `sum(rate(orders_total[{{ interval }}]))`,
			"{name: c, templateRef: {name: t}, interval: 2m, thresholdRange: {min: 0.5, max: 9}}", "",
			"c reads series the istio provider does not export: rehearse writes them from the same traffic model as the builtin ones"},
		{"deprecated threshold", "prometheus", `sum(jobs_waiting)`, "{name: c, templateRef: {name: t}, threshold: 3}", "vector(3)", "it answers 3"},
		{"a selector with no name", "prometheus", `sum({job="api"})`, "{name: c, templateRef: {name: t}, thresholdRange: {max: 1}}", "vector(1)", "cannot produce series `{job=\"api\"}`"},
		{"a label the builtin series do not carry", "prometheus", `sum(rate(istio_requests_total{reporter="source",destination_workload="{{ target }}"}[1m]))`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "", "rehearse writes them from the same traffic model"},
		{"an answer the traffic never gives", "prometheus", `sum(rate(istio_requests_total{response_code="404"}[1m]))`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "vector(5)", "answers the traffic model never gives"},
		{"an inline query over an unmappable series", "", "",
			"{name: c, query: 'max(queue_depth)', thresholdRange: {max: 5}}", "vector(5)", "cannot produce series `queue_depth` for metric `c`"},
		{"an inline query over the mesh's series", "", "",
			"{name: c, query: 'sum(rate(istio_requests_total[1m]))', thresholdRange: {min: 1}}", "", ""},
		{"an envoy series near a served one", "prometheus", `sum(rate(istio_request_bytes_sum[1m]))`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "vector(5)", "cannot produce series `istio_request_bytes_sum`"},
		{"typo of a served series", "prometheus", `sum(rate(istio_request_total[1m]))`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "", "did you mean istio_requests_total? As written it finds no data"},
		{"datadog over the traffic model", "datadog", `sum:trace.http.request.errors{service:app}.as_count()`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "", ""},
		{"datadog over an application metric", "datadog", `avg:orders.queue{service:app}`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "vector(5)", "reads datadog data rehearse cannot produce from its traffic model (`avg:orders.queue{service:app}`: orders.queue is neither"},
		{"datadog refuses the query", "datadog", `sum:trace.http.request.errors{service:app`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "", "is not a query datadog accepts"},
		{"graphite of another app", "graphite", `target=stats.cart.requests`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "vector(5)", "no filter names a version (the canary is app or app-canary, the primary app-primary)"},
		{"does not render", "prometheus", `sum(x{a="{{ variables.missing }}"})`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "", "cannot be rendered"},
		{"not PromQL", "prometheus", `sum(rate(x[1m])`,
			"{name: c, templateRef: {name: t}, thresholdRange: {max: 5}}", "", "is not valid PromQL once rendered"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{"deploy.yaml": deploymentYAML,
				"canary.yaml": canaryYAML("app", "", analysis(successRate+"      - "+c.metric+"\n", ""))}
			if c.query != "" {
				files["t.yaml"] = templateYAML(c.provider, c.query)
			}
			set := loadSet(t, files)
			p, err := Build(set, Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := rehearsalOf(t, p, GoodRelease)
			m, orig := r.Scenario.Canary.GetAnalysis().Metrics[1], set.Canaries[0].GetAnalysis().Metrics[1]
			kept := reflect.DeepEqual(m.TemplateRef, orig.TemplateRef) && m.Query == orig.Query
			if c.stub == "" && !kept || c.stub != "" && (m.TemplateRef != nil || m.Query != c.stub) {
				t.Errorf("rehearsed metric: templateRef %v, query %q; want stub %q", m.TemplateRef, m.Query, c.stub)
			}
			if c.query != "" && (orig.TemplateRef == nil || orig.Query != "") {
				t.Errorf("the user's Canary was changed: %+v", orig)
			}
			checkNote(t, r.Notes, c.note)
		})
	}
}

func checkNote(t *testing.T, notes []string, want string) {
	t.Helper()
	switch {
	case want == "" && len(notes) > 0:
		t.Errorf("unexpected notes %q", notes)
	case want != "" && (len(notes) != 1 || !strings.Contains(notes[0], want)):
		t.Errorf("notes %q, want one with %q", notes, want)
	}
}
