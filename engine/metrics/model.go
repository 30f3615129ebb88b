// This file builds the data a query is rendered with from a Canary, as Flagger's toMetricModel
// does: service, ingress and route falling back to the target's name.

package metrics

import (
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// NewModel is the data a query is rendered with, filled in as Flagger's
// toMetricModel does: the service falls back to the target's name, and so do
// the ingress and the route when the Canary names none.
func NewModel(cd *v1beta1.Canary, interval string, vars map[string]string) v1beta1.MetricTemplateModel {
	target := cd.Spec.TargetRef.Name
	return v1beta1.MetricTemplateModel{
		Name:      cd.Name,
		Namespace: cd.Namespace,
		Target:    target,
		Service:   orDefault(cd.Spec.Service.Name, target),
		Ingress:   refName(cd.Spec.IngressRef, target),
		Route:     refName(cd.Spec.RouteRef, target),
		Interval:  interval,
		Variables: vars,
	}
}

func refName(ref *v1beta1.LocalObjectReference, fallback string) string {
	if ref == nil {
		return fallback
	}
	return ref.Name
}

func orDefault(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
