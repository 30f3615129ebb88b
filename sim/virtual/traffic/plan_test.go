// This file tests query planning: classified series and unmappable selectors.

package traffic

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

var planModel = v1beta1.MetricTemplateModel{Name: "podinfo", Namespace: "test", Target: "podinfo", Service: "podinfo",
	Ingress: "podinfo", Route: "podinfo", Interval: "1m"}

// describePlan writes a plan on one line: version, kind, name, labels,
// then what fills it.
func describePlan(p Plan) string {
	s := fmt.Sprintf("%s %s %s%s", p.Role, p.Kind, p.Name, p.Labels)
	switch {
	case p.Status != "":
		s += fmt.Sprintf(" %s=%s/%s", p.Status, p.OK, p.Failed)
	case p.Kind == Counter && p.Counts == FailedAnswers:
		s += " errors"
	case p.Kind == Counter && p.Counts == OKAnswers:
		s += " ok"
	}
	if p.Kind != Counter {
		unit := "ms"
		if p.Seconds {
			unit = "s"
		}
		s += " " + unit
	}
	if p.Kind == Gauge {
		s += fmt.Sprintf(" q%g", p.Quantile)
	}
	return s
}

// planQuery plans the series a rendered PromQL query reads, for the
// Canary's workload as m names it and its target kind, as Synthesize does
// for each query.
func planQuery(query string, m v1beta1.MetricTemplateModel, targetKind string) ([]Plan, error) {
	sels, err := Selectors(query)
	if err != nil {
		return nil, err
	}
	return planSelectors(sels, namesOf(m, targetKind))
}

// TestPlanQuery: each literal query's selectors become the series of the
// version they select, with the answers and latency they read.
func TestPlanQuery(t *testing.T) {
	cases := []struct {
		name, query string
		kind        string // target kind, Deployment when empty
		want        []string
	}{
		{"linkerd success rate (gatewayapi tutorial)",
			`sum(rate(response_total{namespace="test",deployment=~"podinfo",classification!="failure",direction="inbound"}[1m])) / sum(rate(response_total{namespace="test",deployment=~"podinfo",direction="inbound"}[1m])) * 100`,
			"", []string{`canary counter response_total{deployment="podinfo", direction="inbound", namespace="test"} classification=success/failure`}},
		{"istio latency in milliseconds",
			`histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="source",destination_workload=~"podinfo"}[1m])) by (le)) / 1000`,
			"", []string{`canary histogram istio_request_duration_milliseconds{destination_workload="podinfo", reporter="source"} ms`}},
		{"linkerd latency",
			`histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{namespace="test",deployment=~"podinfo",direction="inbound"}[1m])) by (le))`,
			"", []string{`canary histogram response_latency_ms{deployment="podinfo", direction="inbound", namespace="test"} ms`}},
		{"istio error rate, reporter source",
			`100 - sum(rate(istio_requests_total{reporter="source",destination_workload_namespace=~"test",destination_workload=~"podinfo",response_code!~"5.*"}[1m])) / sum(rate(istio_requests_total{reporter="source",destination_workload_namespace=~"test",destination_workload=~"podinfo"}[1m])) * 100`,
			"", []string{`canary counter istio_requests_total{destination_workload="podinfo", destination_workload_namespace="test", reporter="source"} response_code=200/500`}},
		{"podinfo's own counter, by scrape job",
			`sum(rate(http_requests_total{namespace="test",job="podinfo-canary",status!~"5.."}[30s])) / sum(rate(http_requests_total{namespace="test",job="podinfo-canary"}[30s]))`,
			"", []string{`canary counter http_requests_total{job="podinfo-canary", namespace="test"} status=200/500`}},
		{"podinfo's histogram, Flagger's pod pattern",
			`histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{namespace="test",pod=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) by (le))`,
			"", []string{`canary histogram http_request_duration_seconds{namespace="test", pod="podinfo-6b8f9c7d5-x7k2p"} s`}},
		{"the pod pattern misses a DaemonSet's canary pods",
			`histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{pod=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) by (le))`,
			"DaemonSet", []string{`primary histogram http_request_duration_seconds{pod="podinfo-primary-q4m8z"} s`}},
		{"app counters",
			`sum(rate(myapp_errors_total{app="podinfo"}[1m])) / sum(rate(myapp_requests_total{app="podinfo"}[1m])) * 100`,
			"", []string{`canary counter myapp_errors_total{app="podinfo"} errors`, `canary counter myapp_requests_total{app="podinfo"}`}},
		{"a counter of both versions gets their pods",
			`sum(rate(myapp_requests_total{namespace="test"}[1m]))`, "",
			[]string{`primary counter myapp_requests_total{namespace="test", pod="podinfo-primary-7c5d8f9b6-q4m8z"}`,
				`canary counter myapp_requests_total{namespace="test", pod="podinfo-6b8f9c7d5-x7k2p"}`}},
		{"the primary only", `sum(rate(myapp_requests_total{deployment="podinfo-primary"}[1m]))`, "",
			[]string{`primary counter myapp_requests_total{deployment="podinfo-primary"}`}},
		{"canary against primary",
			`histogram_quantile(0.99, sum(rate(app_latency_seconds_bucket{app="podinfo"}[1m])) by (le)) - histogram_quantile(0.99, sum(rate(app_latency_seconds_bucket{app="podinfo-primary"}[1m])) by (le))`,
			"", []string{`primary histogram app_latency_seconds{app="podinfo-primary"} s`, `canary histogram app_latency_seconds{app="podinfo"} s`}},
		{"errors as not 2xx", `sum(rate(http_requests_total{app="podinfo",code!~"2.."}[1m]))`, "",
			[]string{`canary counter http_requests_total{app="podinfo"} code=200/500`}},
		{"errors as a class", `sum(rate(nginx_requests{ingress="podinfo",status=~"5xx"}[1m]))`, "",
			[]string{`canary counter nginx_requests{ingress="podinfo"} status=2xx/5xx`}},
		{"failures by classification", `sum(rate(response_total{deployment="podinfo",classification="failure"}[1m]))`, "",
			[]string{`canary counter response_total{deployment="podinfo"} classification=success/failure`}},
		{"envoy response class", `sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"test_podinfo-canary_[0-9a-zA-Z-]+",envoy_response_code_class="5"}[1m]))`, "",
			[]string{`canary counter envoy_cluster_upstream_rq{envoy_cluster_name="test_podinfo-canary_a"} envoy_response_code_class=2/5`}},
		{"a status filter that splits nothing", `sum(rate(istio_requests_total{destination_workload="podinfo",response_code!="404"}[1m]))`, "",
			[]string{`canary counter istio_requests_total{destination_workload="podinfo"} response_code=200/500`}},
		{"mean latency from _sum and _count",
			`sum(rate(http_request_duration_seconds_sum{app="podinfo"}[1m])) / sum(rate(http_request_duration_seconds_count{app="podinfo"}[1m]))`, "",
			[]string{`canary histogram http_request_duration_seconds{app="podinfo"} s`}},
		{"a _count that is a counter", `sum(rate(http_requests_count{app="podinfo"}[1m]))`, "",
			[]string{`canary counter http_requests_count{app="podinfo"}`}},
		{"a latency gauge", `max(myapp_latency_p95_ms{app="podinfo"})`, "",
			[]string{`canary gauge myapp_latency_p95_ms{app="podinfo"} ms q0.95`}},
		{"a summary quantile", `max(rpc_duration_seconds{app="podinfo",quantile="0.5"})`, "",
			[]string{`canary gauge rpc_duration_seconds{app="podinfo", quantile="0.5"} s q0.5`}},
		{"a bucket the layout has", `sum(rate(http_request_duration_seconds_bucket{app="podinfo",le="0.5"}[1m])) / sum(rate(http_request_duration_seconds_count{app="podinfo"}[1m]))`, "",
			[]string{`canary histogram http_request_duration_seconds{app="podinfo"} s`}},
		{"a service FQDN", `sum(rate(istio_requests_total{destination_service="podinfo-canary.test.svc.cluster.local"}[1m]))`, "",
			[]string{`canary counter istio_requests_total{destination_service="podinfo-canary.test.svc.cluster.local"}`}},
		{"the apex service is the primary's", `sum(rate(istio_requests_total{destination_service_name="podinfo"}[1m]))`, "",
			[]string{`primary counter istio_requests_total{destination_service_name="podinfo"}`}},
		{"a scrape job that is not a version", `sum(rate(http_requests_total{job="kubernetes-pods",app="podinfo"}[1m]))`, "",
			[]string{`canary counter http_requests_total{app="podinfo", job="kubernetes-pods"}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			plans, err := planQuery(c.query, planModel, cmpOr(c.kind, "Deployment"))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range plans {
				got = append(got, describePlan(p))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("plans:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestPlanQueryUnmappable: selectors the traffic model cannot stand for
// say why, naming the selector.
func TestPlanQueryUnmappable(t *testing.T) {
	cases := []struct{ name, query, selector, why string }{
		{"a gauge that is not a latency", `max(queue_depth{app="podinfo"})`, `queue_depth{app="podinfo"}`, "a gauge that is not a latency"},
		{"another app", `sum(rate(http_requests_total{app="frontend"}[1m]))`, `http_requests_total{app="frontend"}`, `can carry app="frontend"`},
		{"another namespace", `sum(rate(http_requests_total{namespace="prod",app="podinfo"}[1m]))`, `http_requests_total{app="podinfo",namespace="prod"}`, `namespace="prod"`},
		{"an answer never given", `sum(rate(istio_requests_total{destination_workload="podinfo",response_code="404"}[1m]))`, `istio_requests_total`, "answers the traffic model never gives"},
		{"a bucket the layout lacks", `sum(rate(http_request_duration_seconds_bucket{app="podinfo",le="0.3"}[1m]))`, `le="0.3"`, `a bucket rehearse's histograms do not have (the nearest are le="0.25" and le="0.315")`},
		{"no name", `sum(rate({job="api"}[1m]))`, `{job="api"}`, "names no metric"},
		{"resource use", `sum(rate(container_cpu_usage_seconds_total{pod=~"podinfo-.*"}[1m]))`, "container_cpu_usage_seconds_total", "resource use"},
		{"a size histogram", `histogram_quantile(0.9, sum(rate(request_size_bucket{app="podinfo"}[1m])) by (le))`, "request_size_bucket", "something other than latency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := planQuery(c.query, planModel, "Deployment")
			var u *Unmappable
			if !errors.As(err, &u) {
				t.Fatalf("error %v, want *Unmappable", err)
			}
			if !strings.Contains(u.Selector, c.selector) || !strings.Contains(u.Why, c.why) {
				t.Errorf("unmappable %q: %q, want the selector to hold %q and the reason %q", u.Selector, u.Why, c.selector, c.why)
			}
		})
	}
}

func TestRegexExample(t *testing.T) {
	cases := []struct{ re, want string }{
		{"podinfo", "podinfo"}, {"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)", "podinfo-a-a"}, {"5.*", "5"}, {"5..", "5xx"},
		{"a|b", "a"}, {"x{3}", "xxx"}, {"(?i)Test", "TEST"}, {"[^a]", "b"},
	}
	for _, c := range cases {
		if got, ok := regexExample(c.re); !ok || got != c.want {
			t.Errorf("regexExample(%q) = %q, %v; want %q", c.re, got, ok, c.want)
		}
	}
	if _, ok := regexExample("(["); ok {
		t.Error("a regex that does not parse gave an example")
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
