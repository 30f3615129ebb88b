// Package v1alpha1 holds rehearse's own, minimal Go type for KEDA's
// keda.sh/v1alpha1 ScaledObject: the fields Flagger copies into the
// primary's ScaledObject when a Canary's autoscalerRef names one, so that
// the embedded cluster can store it as a typed object and a real API server
// can serve it from the minimal CRD under fixtures/crds/stand-ins.
//
// It is not KEDA's type: fields rehearse never acts on are left out, and a
// manifest that sets one is refused with its line, as any unknown field.
//
// +kubebuilder:object:generate=true
// +kubebuilder:skip
// +groupName=keda.sh
package v1alpha1
