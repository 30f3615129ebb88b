// This file lists each mesh or ingress provider's builtin series families:
// names, labels and histograms, as the provider's proxies expose them.

package traffic

import (
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// family is the set of series one observer's builtin queries read.
type family struct {
	// counter is a request counter split by status; "" when the requests
	// are counted by a histogram split by status instead.
	counter string
	// status is the label holding the response class, and its two values.
	status, ok, failed string
	hists              []histogram
	// selector returns the workload's identifying label pairs.
	selector func(m v1beta1.MetricTemplateModel, role Role, targetKind string) []string
}

// histogram is one latency histogram.
type histogram struct {
	name    string
	seconds bool     // boundaries in seconds, else milliseconds
	split   bool     // carries the status label, so its count counts requests
	extra   []string // more label pairs
}

const (
	envoyRq     = "envoy_cluster_upstream_rq"
	envoyRqTime = "envoy_cluster_upstream_rq_time"
	port        = "80"
)

var families = map[metrics.Observer]family{
	metrics.ObserverHTTP: {status: "status", ok: "200", failed: "500", selector: workloadPods,
		hists: []histogram{{name: "http_request_duration_seconds", seconds: true, split: true}}},
	metrics.ObserverAppMesh: envoy(workloadPods),
	metrics.ObserverIstio: {counter: "istio_requests_total", status: "response_code", ok: "200", failed: "500",
		hists: []histogram{{name: "istio_request_duration_milliseconds"}}, selector: istio},
	metrics.ObserverLinkerd: {counter: "response_total", status: "classification", ok: "success", failed: "failure",
		hists: []histogram{{name: "response_latency_ms"}}, selector: linkerd},
	metrics.ObserverOSM: {counter: "osm_request_total", status: "response_code", ok: "200", failed: "500",
		hists: []histogram{{name: "osm_request_duration_ms"}}, selector: osm},
	metrics.ObserverContour: envoy(contour),
	metrics.ObserverGloo:    envoy(gloo),
	metrics.ObserverKuma:    envoy(kuma),
	metrics.ObserverKnative: envoy(knative),
	metrics.ObserverApisix: {counter: "apisix_http_status", status: "code", ok: "200", failed: "500",
		hists: []histogram{{name: "apisix_http_latency", extra: []string{"type", "request"}}}, selector: apisix},
	metrics.ObserverNginx: {counter: "nginx_ingress_controller_requests", status: "status", ok: "200", failed: "500",
		hists: []histogram{{name: "nginx_ingress_controller_response_duration_seconds", seconds: true}}, selector: nginx},
	metrics.ObserverTraefik: {status: "code", ok: "200", failed: "500", selector: traefik,
		hists: []histogram{{name: "traefik_service_request_duration_seconds", seconds: true, split: true}}},
	metrics.ObserverSkipper: {status: "code", ok: "200", failed: "500", selector: skipper, hists: []histogram{
		{name: "skipper_response_duration_seconds", seconds: true, split: true},
		{name: "skipper_serve_route_duration_seconds", seconds: true}}},
}

func envoy(sel func(v1beta1.MetricTemplateModel, Role, string) []string) family {
	return family{counter: envoyRq, status: "envoy_response_code", ok: "200", failed: "500",
		hists: []histogram{{name: envoyRqTime}}, selector: sel}
}

// workloadPods labels a pod. Deployment pods are named
// <name>-<replicaset hash>-<suffix>, which Flagger's pattern
// <target>-[0-9a-zA-Z]+(-[0-9a-zA-Z]+) matches for the canary and not for
// <target>-primary-.... DaemonSet pods are <name>-<suffix>: the pattern then
// misses the canary's pods and matches the primary's, as it does in Flagger.
func workloadPods(m v1beta1.MetricTemplateModel, role Role, kind string) []string {
	name := m.Target + "-6b8f9c7d5-x7k2p"
	switch {
	case role == Primary && kind == "DaemonSet":
		name = m.Target + "-primary-q4m8z"
	case role == Primary:
		name = m.Target + "-primary-7c5d8f9b6-q4m8z"
	case kind == "DaemonSet":
		name = m.Target + "-x7k2p"
	}
	return []string{"kubernetes_namespace", m.Namespace, "kubernetes_pod_name", name}
}

// workload is the canary's own name, or the primary's.
func workload(m v1beta1.MetricTemplateModel, role Role) string {
	if role == Primary {
		return m.Target + "-primary"
	}
	return m.Target
}

// version is the word Flagger's generated objects carry for a role.
func version(role Role) string {
	if role == Primary {
		return "primary"
	}
	return "canary"
}

func istio(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	return []string{"reporter", "destination", "destination_workload_namespace", m.Namespace,
		"destination_workload", workload(m, role)}
}

func linkerd(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	return []string{"namespace", m.Namespace, "deployment", workload(m, role), "direction", "inbound"}
}

func osm(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	return []string{"destination_namespace", m.Namespace, "destination_kind", "Deployment",
		"destination_name", workload(m, role)}
}

func contour(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	return []string{"envoy_cluster_name", m.Namespace + "_" + m.Service + "-" + version(role) + "_" + port}
}

func gloo(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	return []string{"envoy_cluster_name", m.Namespace + "-" + m.Target + "-" + version(role) + "upstream-" + port +
		"_gloo-system"}
}

func kuma(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	return []string{"service", m.Target + "-" + version(role) + "_" + m.Namespace + "_svc_" + port}
}

// knative tells revisions apart by the route, the canary's being the
// Service's latest revision; the primary stands for the one before.
func knative(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	route := m.Route
	if role == Primary {
		route += "-primary"
	}
	return []string{"envoy_cluster_name", m.Namespace + "/" + route}
}

func apisix(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	return []string{"route", m.Namespace + "_" + m.Route + "-" + m.Target + "-" + version(role) + "_" + port}
}

// nginx marks requests served by the canary backend with its upstream name
// in the canary label; the primary's requests have none.
func nginx(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	sel := []string{"namespace", m.Namespace, "ingress", m.Ingress}
	if role == Canary {
		sel = append(sel, "canary", m.Namespace+"-"+m.Service+"-canary-"+port)
	}
	return sel
}

func traefik(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	return []string{"service", m.Namespace + "-" + m.Target + "-" + version(role) + "-" + port + "@kubernetescrd"}
}

// skipper names routes from names with non-word characters replaced.
func skipper(m v1beta1.MetricTemplateModel, role Role, _ string) []string {
	ns, ing, svc := metrics.SkipperName(m.Namespace), metrics.SkipperName(m.Ingress), metrics.SkipperName(m.Service)
	route := "kube_" + ns + "__" + ing + "__app_example_org____" + svc + "_primary"
	if role == Canary {
		route = "kube_" + ns + "__" + ing + "_canary__app_example_org____" + svc + "_canary"
	}
	return []string{"route", route}
}
