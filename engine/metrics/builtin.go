// This file picks Flagger's builtin queries for a Canary: the metrics provider it hands the
// observer factory, the observer each provider gets (Istio's as fallback), and the query itself.

package metrics

import (
	"fmt"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// The builtin metric names every provider answers.
const (
	MetricSuccessRate = "request-success-rate"
	MetricDuration    = "request-duration"
)

// ServiceSuffix is what Flagger appends to the metrics provider when the
// Canary's target is a plain Kubernetes Service.
const ServiceSuffix = ":service"

// Observer names the family of builtin queries Flagger's observer factory
// picks for a metrics provider.
type Observer string

// The observers Flagger ships. ObserverHTTP serves the kubernetes and
// gatewayapi providers (http_request_duration_seconds from the workload).
const (
	ObserverIstio   Observer = "istio"
	ObserverLinkerd Observer = "linkerd"
	ObserverHTTP    Observer = "http"
	ObserverNginx   Observer = "nginx"
	ObserverContour Observer = "contour"
	ObserverGloo    Observer = "gloo"
	ObserverKuma    Observer = "kuma"
	ObserverOSM     Observer = "osm"
	ObserverApisix  Observer = "apisix"
	ObserverAppMesh Observer = "appmesh"
	ObserverKnative Observer = "knative"
	ObserverSkipper Observer = "skipper"
	ObserverTraefik Observer = "traefik"
)

// exactObservers are the providers the factory matches by equality.
var exactObservers = map[string]Observer{
	"linkerd": ObserverLinkerd, "istio": ObserverIstio, "contour": ObserverContour,
	"nginx": ObserverNginx, "kubernetes": ObserverHTTP, "skipper": ObserverSkipper,
	"traefik": ObserverTraefik, "osm": ObserverOSM, "kuma": ObserverKuma,
	"apisix": ObserverApisix, "knative": ObserverKnative,
}

// ObserverFor picks the observer as Flagger's factory does. appmesh, gloo and
// gatewayapi match by prefix (so "gatewayapi:v1" and "appmesh:service" keep
// their queries); every other provider must match exactly, and anything
// unmatched, including "kubernetes:service" or "linkerd:service", falls back
// to Istio's queries. That fallback is Flagger's behaviour, reproduced on
// purpose: a Service-target canary on those providers queries Istio series.
func ObserverFor(metricsProvider string) Observer {
	switch {
	case strings.HasPrefix(metricsProvider, "appmesh"):
		return ObserverAppMesh
	case strings.HasPrefix(metricsProvider, "gloo"):
		return ObserverGloo
	case strings.HasPrefix(metricsProvider, "gatewayapi"):
		return ObserverHTTP
	}
	if o, ok := exactObservers[metricsProvider]; ok {
		return o
	}
	return ObserverIstio
}

// MetricsProvider is the provider string Flagger hands its observer factory
// for a Canary: the Canary's own provider, else the controller's mesh
// provider; "crossover" when the mesh provider mentions it; "linkerd" when
// the mesh is Linkerd even if the Canary names another provider; and the
// ":service" suffix when the target is a Kubernetes Service (not Knative's).
func MetricsProvider(cd *v1beta1.Canary, meshProvider string) string {
	p := meshProvider
	if strings.Contains(meshProvider, "crossover") {
		p = "crossover"
	}
	if cd.Spec.Provider != "" {
		p = cd.Spec.Provider
		if strings.Contains(meshProvider, "linkerd") {
			p = "linkerd"
		}
	}
	if isPlainService(cd.Spec.TargetRef) {
		p += ServiceSuffix
	}
	return p
}

func isPlainService(ref v1beta1.LocalObjectReference) bool {
	return ref.Kind == "Service" && ref.APIVersion != "serving.knative.dev/v1"
}

// BuiltinQuery is the PromQL Flagger runs for a builtin metric. provider is
// a metrics provider as MetricsProvider returns it. The text is rehearse's
// own; the metric names, labels, matchers and functions are Flagger's.
func BuiltinQuery(provider, metricName string, m v1beta1.MetricTemplateModel) (string, error) {
	q := queriesFor(ObserverFor(provider))
	switch metricName {
	case MetricSuccessRate:
		return q.successRate(m), nil
	case MetricDuration:
		return q.duration(m), nil
	}
	return "", fmt.Errorf("%q is not a builtin metric: use %q or %q, or give the metric a templateRef",
		metricName, MetricSuccessRate, MetricDuration)
}

// DurationMillis turns a request-duration query result into the whole
// milliseconds Flagger compares: the HTTP observer's query answers seconds,
// every other one milliseconds, and Flagger truncates to an integer through
// time.Duration.
func DurationMillis(provider string, v float64) float64 {
	if ObserverFor(provider) == ObserverHTTP {
		v *= 1000
	}
	return truncMillis(v)
}
