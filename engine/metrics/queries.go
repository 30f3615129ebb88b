// This file writes each observer's two builtin queries, success rate and duration, with plain
// string building, since they run on every tick and their inputs are Kubernetes names.

package metrics

import (
	"math"
	"regexp"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// builtinQueries renders one observer's two builtin queries. Plain string
// building, no text/template: the builtins run on every tick of every
// simulated rollout, and their inputs are Kubernetes names, which hold no
// quotes or template syntax.
type builtinQueries struct {
	successRate func(m v1beta1.MetricTemplateModel) string
	duration    func(m v1beta1.MetricTemplateModel) string
}

// Matchers shared by several observers, and the non-5xx filters.
const (
	podOfTarget  = `-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)`
	not5xx       = `!~"5.*"`
	not5xxStrict = `!~"5.."`
	envoyRq      = "envoy_cluster_upstream_rq"
	envoyRqTime  = "envoy_cluster_upstream_rq_time_bucket"
	envoyOK      = `envoy_response_code` + not5xx
)

func queriesFor(o Observer) builtinQueries {
	if q, ok := observerQueries[o]; ok {
		return q
	}
	return observerQueries[ObserverIstio]
}

var observerQueries = map[Observer]builtinQueries{
	ObserverHTTP: histogramPair("http_request_duration_seconds_count", "http_request_duration_seconds_bucket",
		`status`+not5xx, workloadPods),
	ObserverAppMesh: histogramPair(envoyRq, envoyRqTime, envoyOK, workloadPods),
	ObserverIstio: histogramPair("istio_requests_total", "istio_request_duration_milliseconds_bucket",
		`response_code`+not5xx, istioSelector),
	ObserverLinkerd: histogramPair("response_total", "response_latency_ms_bucket",
		`classification!="failure"`, linkerdSelector),
	ObserverOSM: histogramPair("osm_request_total", "osm_request_duration_ms_bucket",
		`response_code`+not5xx, osmSelector),
	ObserverContour: histogramPair(envoyRq, envoyRqTime, envoyOK, contourSelector),
	ObserverGloo:    histogramPair(envoyRq, envoyRqTime, envoyOK, glooSelector),
	ObserverKuma:    histogramPair(envoyRq, envoyRqTime, envoyOK, kumaSelector),
	ObserverKnative: histogramPair(envoyRq, envoyRqTime, envoyOK, knativeSelector),
	ObserverApisix:  {successRate: apisixSuccessRate, duration: apisixDuration},
	ObserverNginx:   {successRate: nginxSuccessRate, duration: nginxDuration},
	ObserverTraefik: {successRate: traefikSuccessRate, duration: traefikDuration},
	ObserverSkipper: {successRate: skipperSuccessRate, duration: skipperDuration},
}

// histogramPair is the common shape: a counter ratio for the success rate
// and the P99 of a histogram for the duration, over the same selector.
func histogramPair(counter, bucket, ok string, sel func(m v1beta1.MetricTemplateModel) string) builtinQueries {
	return builtinQueries{
		successRate: func(m v1beta1.MetricTemplateModel) string {
			s := sel(m)
			return successRatio(counter, s+","+ok, s, m.Interval)
		},
		duration: func(m v1beta1.MetricTemplateModel) string { return p99(bucket, sel(m), m.Interval) },
	}
}

// successRatio is the percentage of the selected requests that passed.
func successRatio(metric, okSel, allSel, interval string) string {
	return "sum(rate(" + metric + "{" + okSel + "}[" + interval + "])) / sum(rate(" +
		metric + "{" + allSel + "}[" + interval + "])) * 100"
}

func p99(bucket, sel, interval string) string {
	return "histogram_quantile(0.99, sum(rate(" + bucket + "{" + sel + "}[" + interval + "])) by (le))"
}

// meanMillis is the mean latency in milliseconds of a seconds histogram.
func meanMillis(base, sel, interval string) string {
	return "sum(rate(" + base + "_sum{" + sel + "}[" + interval + "])) / sum(rate(" +
		base + "_count{" + sel + "}[" + interval + "])) * 1000"
}

func workloadPods(m v1beta1.MetricTemplateModel) string {
	return `kubernetes_namespace="` + m.Namespace + `",kubernetes_pod_name=~"` + m.Target + podOfTarget + `"`
}

func istioSelector(m v1beta1.MetricTemplateModel) string {
	return `reporter="destination",destination_workload_namespace="` + m.Namespace +
		`",destination_workload=~"` + m.Target + `"`
}

func linkerdSelector(m v1beta1.MetricTemplateModel) string {
	return `namespace="` + m.Namespace + `",deployment=~"` + m.Target + `",direction="inbound"`
}

func osmSelector(m v1beta1.MetricTemplateModel) string {
	return `destination_namespace="` + m.Namespace + `",destination_kind="Deployment",destination_name="` +
		m.Target + `"`
}

func contourSelector(m v1beta1.MetricTemplateModel) string {
	return `envoy_cluster_name=~"` + m.Namespace + "_" + m.Service + `-canary_[0-9a-zA-Z-]+"`
}

func glooSelector(m v1beta1.MetricTemplateModel) string {
	return `envoy_cluster_name=~"` + m.Namespace + "-" + m.Target + `-canaryupstream-[0-9a-zA-Z-]+_[0-9a-zA-Z-]+"`
}

func kumaSelector(m v1beta1.MetricTemplateModel) string {
	return `service=~"` + m.Target + "-canary_" + m.Namespace + `_svc_[0-9a-zA-Z-]+"`
}

func knativeSelector(m v1beta1.MetricTemplateModel) string {
	return `envoy_cluster_name=~"` + m.Namespace + "/" + m.Route + `"`
}

func apisixRoute(m v1beta1.MetricTemplateModel) string {
	return `route=~"` + m.Namespace + "_" + m.Route + "-" + m.Target + `-canary_.+"`
}

func apisixSuccessRate(m v1beta1.MetricTemplateModel) string {
	r := apisixRoute(m)
	return successRatio("apisix_http_status", r+`,code`+not5xxStrict, r, m.Interval)
}

func apisixDuration(m v1beta1.MetricTemplateModel) string {
	return p99("apisix_http_latency_bucket", `type=~"request",`+apisixRoute(m), m.Interval)
}

func nginxSelector(m v1beta1.MetricTemplateModel) string {
	return `namespace="` + m.Namespace + `",ingress="` + m.Ingress + `",canary!=""`
}

func nginxSuccessRate(m v1beta1.MetricTemplateModel) string {
	s := nginxSelector(m)
	return successRatio("nginx_ingress_controller_requests", s+`,status`+not5xx, s, m.Interval)
}

// nginxDuration is a mean, not a P99: Flagger's nginx observer divides the
// histogram's sum by its count.
func nginxDuration(m v1beta1.MetricTemplateModel) string {
	return meanMillis("nginx_ingress_controller_response_duration_seconds", nginxSelector(m), m.Interval)
}

func traefikSelector(m v1beta1.MetricTemplateModel) string {
	return `service=~"` + m.Namespace + "-" + m.Target + `-canary-[0-9a-zA-Z-]+@kubernetescrd"`
}

// traefikSuccessRate counts requests with the histogram's +Inf bucket.
func traefikSuccessRate(m v1beta1.MetricTemplateModel) string {
	s := traefikSelector(m) + `,le="+Inf"`
	return successRatio("traefik_service_request_duration_seconds_bucket", s+`,code`+not5xxStrict, s, m.Interval)
}

func traefikDuration(m v1beta1.MetricTemplateModel) string {
	return p99("traefik_service_request_duration_seconds_bucket", traefikSelector(m), m.Interval) + " * 1000"
}

// skipperRoute matches the route names Skipper generates for the canary
// backend of an Ingress, from names with non-word characters replaced.
func skipperRoute(m v1beta1.MetricTemplateModel) string {
	return `route=~"kube(ew)?_` + SkipperName(m.Namespace) + "__" + SkipperName(m.Ingress) + "_canary__.*__" +
		SkipperName(m.Service) + `_canary(_[0-9]+)?"`
}

func skipperSuccessRate(m v1beta1.MetricTemplateModel) string {
	s := skipperRoute(m) + `,le="+Inf"`
	return successRatio("skipper_response_duration_seconds_bucket", s+`,code`+not5xxStrict, s, m.Interval)
}

func skipperDuration(m v1beta1.MetricTemplateModel) string {
	return meanMillis("skipper_serve_route_duration_seconds", skipperRoute(m), m.Interval)
}

var nonWord = regexp.MustCompile(`\W`)

// SkipperName is a Kubernetes name as it appears in a Skipper route name:
// every non-word character becomes an underscore.
func SkipperName(s string) string { return nonWord.ReplaceAllLiteralString(s, "_") }

// truncMillis reproduces time.Duration(int64(v)) * time.Millisecond as
// Flagger computes it on amd64, in milliseconds: fractions are cut off, and
// a value outside int64 (±Inf, NaN) converts to MinInt64, whose product with
// a millisecond wraps to zero. Spelled out so that every platform agrees.
func truncMillis(v float64) float64 {
	n := int64(math.MinInt64)
	if v >= -(1<<63) && v < 1<<63 {
		n = int64(v)
	}
	d := time.Duration(n) * time.Millisecond
	return float64(d) / float64(time.Millisecond)
}
