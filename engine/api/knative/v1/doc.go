// Package v1 holds rehearse's own, minimal Go types for Knative Serving's
// serving.knative.dev/v1 Service and Revision: the fields Flagger reads and
// writes when a Canary targets a Knative Service (the template, the traffic
// targets, the latest created revision, the Ready condition), so that the
// embedded cluster can store them as typed objects and a real API server can
// serve them from the minimal CRDs under fixtures/crds/stand-ins.
//
// They are not Knative's types: fields rehearse never acts on are left out,
// and a manifest that sets one is refused with its line, as any unknown field.
//
// +kubebuilder:object:generate=true
// +kubebuilder:skip
// +groupName=serving.knative.dev
package v1
