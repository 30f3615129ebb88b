// This file tests each provider stand-in against queries in its own language.

package metricapi

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// now is when every query of these tests is asked.
var now = time.Date(2026, 1, 1, 0, 20, 0, 0, time.UTC)

// The recorded world: the primary serves 10 requests/s without errors at
// P50 10ms / P99 50ms; the canary 5 requests/s, a fifth of them 5xx, at
// P50 100ms / P99 400ms; scraped every 15 s for twenty minutes.
var (
	primaryLatency = traffic.Latency{P50: 10 * time.Millisecond, P99: 50 * time.Millisecond}
	canaryLatency  = traffic.Latency{P50: 100 * time.Millisecond, P99: 400 * time.Millisecond}
)

func podinfo() *v1beta1.Canary {
	cd := &v1beta1.Canary{}
	cd.Name, cd.Namespace = "podinfo", "test"
	cd.Spec.TargetRef = v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"}
	return cd
}

func recorded() *Server {
	s := New(NamesOf(podinfo()), func() time.Time { return now })
	step := 15 * time.Second
	for t := now.Add(-20 * time.Minute); t.Before(now); t = t.Add(step) {
		s.Recorder.Observe(traffic.Primary, t, t.Add(step), traffic.Interval{Requests: 150, Latency: primaryLatency})
		s.Recorder.Observe(traffic.Canary, t, t.Add(step), traffic.Interval{Requests: 75, Errors: 15, Latency: canaryLatency})
	}
	return s
}

// measure runs a query as the engine would: a MetricTemplate of the
// provider, its production client, the stand-in behind the transport.
func measure(t *testing.T, s *Server, provider, query, interval string, spec v1beta1.MetricTemplateProvider) (float64, error) {
	t.Helper()
	spec.Type = provider
	if provider != metrics.ProviderCloudWatch {
		spec.Address = Address(provider, spec.Address)
		spec.SecretRef = &corev1.LocalObjectReference{Name: "creds"}
	}
	tpl := &v1beta1.MetricTemplate{Spec: v1beta1.MetricTemplateSpec{Provider: spec, Query: query}}
	tpl.Name, tpl.Namespace = "tpl", "test"
	src := &metrics.Source{
		Templates:      func(string, string) (*v1beta1.MetricTemplate, error) { return tpl, nil },
		Secrets:        func(string, string) (map[string][]byte, error) { return Secret(provider), nil },
		Client:         &http.Client{Transport: s.Transport(refuse{})},
		AWSCredentials: func(context.Context) (metrics.AWSCredentials, error) { return Credentials, nil },
	}
	m := v1beta1.CanaryMetric{Name: "m", Interval: interval, TemplateRef: &v1beta1.CrossNamespaceObjectReference{Name: "tpl"}}
	out, err := src.Measure(context.Background(), podinfo(), m, metrics.KindTemplate, now)
	return out.Value, err
}

// refuse is the network: nothing may reach it.
type refuse struct{}

func (refuse) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("the stand-ins' transport let a request out to " + r.URL.Host)
}

// answer is what a query should give: a value, no values (with a note
// when the stand-in could not map it), or an error saying wantErr.
type answer struct {
	value    float64
	noValues bool
	noted    string
	wantErr  string
}

func check(t *testing.T, s *Server, v float64, err error, want answer) {
	t.Helper()
	switch {
	case want.wantErr != "":
		if err == nil || !strings.Contains(err.Error(), want.wantErr) {
			t.Fatalf("err = %v, want one saying %q", err, want.wantErr)
		}
	case want.noValues:
		if !errors.Is(err, metrics.ErrNoValuesFound) {
			t.Fatalf("got %v, %v; want no values", v, err)
		}
	case err != nil:
		t.Fatalf("err = %v, want %v", err, want.value)
	case math.Abs(v-want.value) > 1e-9*math.Max(1, math.Abs(want.value)):
		t.Fatalf("value = %v, want %v", v, want.value)
	}
	notes := strings.Join(s.Notes(), "\n")
	if want.noted == "" && notes != "" {
		t.Errorf("unexpected note: %s", notes)
	}
	if want.noted != "" && !strings.Contains(notes, want.noted) {
		t.Errorf("notes = %q, want one saying %q", notes, want.noted)
	}
}

// mean is the traffic model's mean latency in seconds.
func mean(l traffic.Latency) float64 { return lognormalMean(l) }

func TestDatadog(t *testing.T) {
	tests := []struct {
		name, query string
		want        answer
	}{
		{"APM error ratio", "sum:trace.http.request.errors{service:podinfo-canary}.as_count() / sum:trace.http.request.hits{service:podinfo-canary}.as_count()",
			answer{value: 0.2}},
		{"istio not-found percentage, multi-line", `100 - (
      sum:istio.mesh.request.count{reporter:destination, destination_workload_namespace:test, destination_workload:podinfo, !response_code:404}.as_count()
      /
      sum:istio.mesh.request.count{reporter:destination, destination_workload_namespace:test, destination_workload:podinfo}.as_count() * 100)`,
			answer{value: 0}},
		{"5xx percentage with a wildcard", "sum:istio.mesh.request.count{destination_workload:podinfo,response_code:5*}.as_count() / sum:istio.mesh.request.count{destination_workload:podinfo}.as_count() * 100",
			answer{value: 20}},
		{"status class tag and rollup", "sum:http.requests{kube_deployment:podinfo,status_class:5xx}.rollup(sum, 60) / sum:http.requests{kube_deployment:podinfo}.rollup(sum, 60)",
			answer{value: 0.2}},
		{"p99 of the APM distribution, seconds", "p99:trace.http.request{service:podinfo-canary}", answer{value: 0.4}},
		{"mean duration of the primary", "avg:trace.http.request.duration{kube_deployment:podinfo-primary}", answer{value: mean(primaryLatency)}},
		{"milliseconds by name", "p99:istio.mesh.request.duration.milliseconds{destination_workload:podinfo-primary}", answer{value: 50}},
		{"both versions summed", "sum:trace.http.request.hits{service:podinfo*}.as_count()", answer{value: 150*20/15 + 75*20/15}},
		{"unknown metric", "sum:custom.metric{service:podinfo-canary}", answer{noValues: true, noted: "custom.metric is neither a request count"}},
		{"another service", "sum:trace.http.request.hits{service:checkout}", answer{noValues: true, noted: "service checkout names neither version"}},
		{"no workload", "sum:trace.http.request.hits{env:prod}", answer{noValues: true, noted: "no filter names a version"}},
		{"syntax error", "sum:trace.http.request.hits{service:podinfo", answer{wantErr: "datadog answered 400"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := recorded()
			v, err := measure(t, s, "datadog", tt.query, "1m", v1beta1.MetricTemplateProvider{})
			check(t, s, v, err, tt.want)
		})
	}
}

// TestDatadogFirstPoint: Flagger reads the oldest bucket of a window of
// ten intervals, so a canary that turned bad two minutes ago still reads
// healthy.
func TestDatadogFirstPoint(t *testing.T) {
	s := New(NamesOf(podinfo()), func() time.Time { return now })
	for t0 := now.Add(-10 * time.Minute); t0.Before(now); t0 = t0.Add(15 * time.Second) {
		iv := traffic.Interval{Requests: 75, Latency: canaryLatency}
		if t0.After(now.Add(-2 * time.Minute)) {
			iv.Errors = 75
		}
		s.Recorder.Observe(traffic.Canary, t0, t0.Add(15*time.Second), iv)
	}
	v, err := measure(t, s, "datadog", "sum:trace.http.request.errors{service:podinfo-canary}.as_count()", "1m", v1beta1.MetricTemplateProvider{})
	check(t, s, v, err, answer{value: 0})
}

func TestNewRelic(t *testing.T) {
	tests := []struct {
		name, query string
		want        answer
	}{
		{"percentage of 5xx transactions", "SELECT percentage(count(*), WHERE httpResponseCode >= 500) FROM Transaction WHERE appName = 'podinfo-canary'",
			answer{value: 20}},
		{"nginx metric ratio (string status)", `SELECT
        filter(sum(nginx_ingress_controller_requests), WHERE status >= '500') /
        sum(nginx_ingress_controller_requests) * 100
    FROM Metric
    WHERE metricName = 'nginx_ingress_controller_requests'
    AND ingress = 'podinfo' AND  namespace = 'test'`, answer{value: 20}},
		{"error flag and LIKE", "SELECT percentage(count(*), WHERE error IS TRUE) FROM Transaction WHERE appName LIKE 'podinfo-prim%'", answer{value: 0}},
		{"mean in milliseconds is a result", "SELECT average(duration) * 1000 FROM Transaction WHERE appName = 'podinfo-canary'",
			answer{value: mean(canaryLatency) * 1000}},
		{"average alone answers \"average\", which Flagger does not read", "SELECT average(duration) FROM Transaction WHERE appName = 'podinfo-canary'",
			answer{noValues: true}},
		{"count alone answers \"count\"", "SELECT count(*) FROM Transaction WHERE appName IN ('podinfo-canary')", answer{noValues: true}},
		{"a SINCE of its own", "SELECT percentage(count(*), WHERE httpResponseCode >= 500) FROM Transaction WHERE appName = 'podinfo-canary' SINCE 1 minute ago",
			answer{wantErr: "new relic answered 400"}},
		{"facet", "SELECT percentage(count(*), WHERE httpResponseCode >= 500) FROM Transaction WHERE appName = 'podinfo-canary' FACET host",
			answer{noValues: true, noted: "FACET"}},
		{"another app", "SELECT percentage(count(*), WHERE httpResponseCode >= 500) FROM Transaction WHERE appName = 'cart'",
			answer{noValues: true, noted: "appName cart names neither version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := recorded()
			v, err := measure(t, s, "newrelic", tt.query, "1m", v1beta1.MetricTemplateProvider{})
			check(t, s, v, err, tt.want)
		})
	}
}

func TestGraphite(t *testing.T) {
	tests := []struct {
		name, query string
		want        answer
	}{
		{"statsd ratio", "target=divideSeries(sumSeries(stats.podinfo-canary.5xx), sumSeries(stats.podinfo-canary.requests))&from=-1min",
			answer{value: 0.2}},
		{"status segment", "target=asPercent(sumSeries(stats_counts.podinfo.status.5*.count), sumSeries(stats_counts.podinfo.status.*.count))&from=-5min",
			answer{value: 20}},
		{"micrometer outcomes, summarized", `target=summarize(
      asPercent(
        sumSeries(
          stats.timers.httpServerRequests.app.podinfo.exception.*.method.*.outcome.{CLIENT_ERROR,INFORMATIONAL,REDIRECTION,SUCCESS}.status.*.uri.*.count
        ),
        sumSeries(
          stats.timers.httpServerRequests.app.podinfo.exception.*.method.*.outcome.*.status.*.uri.*.count
        )
      ),
      1min,
      'avg'
    )`, answer{value: 80}},
		{"an offset Graphite refuses", "target=summarize(stats.podinfo-canary.requests, 1m, 'sum')", answer{wantErr: "graphite answered 400"}},
		{"timer percentile in ms", "target=stats.timers.podinfo-canary.request_duration.upper_99&from=-5min", answer{value: 400}},
		{"primary mean, aliased", "target=alias(stats.timers.podinfo-primary.latency.mean, 'p')&from=-5min", answer{value: mean(primaryLatency) * 1000}},
		{"another app", "target=sumSeries(stats.cart.requests)&from=-5min", answer{noValues: true, noted: "no filter names a version"}},
		{"unknown function", "target=holtWintersForecast(stats.podinfo-canary.requests)", answer{noValues: true, noted: "holtWintersForecast"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := recorded()
			v, err := measure(t, s, "graphite", tt.query, "1m", v1beta1.MetricTemplateProvider{})
			check(t, s, v, err, tt.want)
		})
	}
}

func cwTemplate(dim, errName, reqName, expr string) string {
	return `[{"Id": "e1", "Expression": "` + expr + `", "Label": "ErrorRate"},
	{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "` + errName + `", "Dimensions": [` + dim + `]}, "Period": 60, "Stat": "Sum", "Unit": "Count"}, "ReturnData": false},
	{"Id": "m2", "MetricStat": {"Metric": {"Namespace": "App", "MetricName": "` + reqName + `", "Dimensions": [` + dim + `]}, "Period": 60, "Stat": "Sum", "Unit": "Count"}, "ReturnData": false}]`
}

func TestCloudWatch(t *testing.T) {
	app := `{"Name": "appName", "Value": "podinfo.test"}`
	tg := `{"Name": "TargetGroup", "Value": "targetgroup/podinfo-canary/0123456789abcdef"}, {"Name": "LoadBalancer", "Value": "app/web/1"}`
	tests := []struct {
		name, query string
		want        answer
	}{
		{"error count over request count", cwTemplate(app, "ErrorCount", "RequestCount", "m1 / m2"), answer{value: 0.2}},
		{"ALB 5XX percentage", cwTemplate(tg, "HTTPCode_Target_5XX_Count", "RequestCount", "100 * m1 / m2"), answer{value: 20}},
		{"ALB 2XX share", cwTemplate(tg, "HTTPCode_Target_2XX_Count", "RequestCount", "FILL(m1, 0) / m2"), answer{value: 0.8}},
		{"p99 response time", `[{"Id": "p", "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "TargetResponseTime",
			"Dimensions": [` + tg + `]}, "Period": 60, "Stat": "p99"}}]`, answer{value: 0.4}},
		{"another app", cwTemplate(`{"Name": "appName", "Value": "cart"}`, "ErrorCount", "RequestCount", "m1 / m2"),
			answer{noValues: true, noted: "appName cart names neither version"}},
		{"unknown id", cwTemplate(app, "ErrorCount", "RequestCount", "m1 / m3"), answer{wantErr: `cloudwatch answered 400 ValidationError`}},
		{"not an array", `{"Id": "e1"}`, answer{wantErr: "not a JSON array of MetricDataQuery"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := recorded()
			v, err := measure(t, s, "cloudwatch", tt.query, "1m", v1beta1.MetricTemplateProvider{Region: "eu-west-1"})
			check(t, s, v, err, tt.want)
		})
	}
}

func TestDynatrace(t *testing.T) {
	tests := []struct {
		name, query string
		want        answer
	}{
		{"server error rate", `builtin:service.errors.server.rate:filter(eq("dt.entity.service.name","podinfo-canary")):avg`, answer{value: 20}},
		{"p99 response time in microseconds", `builtin:service.response.time:filter(eq("k8s.workload.name","podinfo-primary")):percentile(99)`,
			answer{value: 50000}},
		{"count ratio", `(builtin:service.errors.server.count:filter(eq("dt.entity.service.name","podinfo-canary")):sum)/(builtin:service.requestCount.total:filter(eq("dt.entity.service.name","podinfo-canary")):sum)`,
			answer{value: 0.2}},
		{"entity selector by name", `builtin:service.errors.server.rate:filter(in("dt.entity.service",entitySelector("type(SERVICE),entityName.equals(~"podinfo-canary~")"))):avg`,
			answer{value: 20}},
		{"entity of another name", `builtin:service.errors.server.rate:filter(eq("dt.entity.service","SERVICE-1234")):avg`,
			answer{noValues: true, noted: "no filter names a version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := recorded()
			v, err := measure(t, s, "dynatrace", tt.query, "1m", v1beta1.MetricTemplateProvider{Address: "https://abc123.live.dynatrace.com"})
			check(t, s, v, err, tt.want)
		})
	}
}

// TestProbes: every provider's IsOnline passes against its stand-in, and
// notes nothing.
func TestProbes(t *testing.T) {
	for _, p := range []string{"datadog", "newrelic", "graphite", "dynatrace", "cloudwatch"} {
		t.Run(p, func(t *testing.T) {
			s := recorded()
			spec := v1beta1.MetricTemplateProvider{Type: p, Region: "us-east-1", Address: "https://x"}
			if p != "cloudwatch" {
				spec.Address = Address(p, spec.Address)
				spec.SecretRef = &corev1.LocalObjectReference{Name: "creds"}
			}
			tpl := &v1beta1.MetricTemplate{Spec: v1beta1.MetricTemplateSpec{Provider: spec, Query: "x"}}
			src := &metrics.Source{Templates: func(string, string) (*v1beta1.MetricTemplate, error) { return tpl, nil },
				Secrets:        func(string, string) (map[string][]byte, error) { return Secret(p), nil },
				Client:         &http.Client{Transport: s.Transport(refuse{})},
				AWSCredentials: func(context.Context) (metrics.AWSCredentials, error) { return Credentials, nil }}
			cd := podinfo()
			cd.Spec.Analysis = &v1beta1.CanaryAnalysis{Metrics: []v1beta1.CanaryMetric{{Name: "m", Interval: "1m",
				TemplateRef: &v1beta1.CrossNamespaceObjectReference{Name: "t"}}}}
			if err := src.CheckAvailability(context.Background(), cd, now); err != nil {
				t.Fatal(err)
			}
			if n := s.Notes(); len(n) > 0 {
				t.Errorf("notes: %v", n)
			}
		})
	}
}
