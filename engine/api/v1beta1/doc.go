// Package v1beta1 holds Go types for Flagger's flagger.app/v1beta1 API: Canary,
// MetricTemplate and AlertProvider. Field names and JSON tags match Flagger's so
// that users' existing manifests decode unchanged; the getters apply Flagger's
// documented defaults, so the engine never has to remember them.
//
// Mesh-specific fields that rehearse does not act on (Istio traffic policies,
// CORS, retries, Gateway API parent references) are kept as opaque JSON: they
// round-trip through the API server without loss.
//
// +kubebuilder:object:generate=true
// +groupName=flagger.app
package v1beta1
