// This file is the ScaledObject type, cut to what Flagger copies to the primary's: the scale
// target, triggers, HPA tuning and fallback, plus the annotation that pauses scaling.

package v1alpha1

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PausedReplicasAnnotation pauses KEDA's scaling of a ScaledObject at the
// given replica count; Flagger sets it to "0" on the canary's ScaledObject
// while no analysis runs.
const PausedReplicasAnnotation = "autoscaling.keda.sh/paused-replicas"

// +kubebuilder:object:root=true

// ScaledObject scales a workload from event sources.
type ScaledObject struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec ScaledObjectSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// ScaledObjectList is a list of ScaledObjects.
type ScaledObjectList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ScaledObject `json:"items"`
}

// ScaledObjectSpec is what KEDA scales and on which triggers.
type ScaledObjectSpec struct {
	ScaleTargetRef *ScaleTarget `json:"scaleTargetRef"`
	// +optional
	PollingInterval *int32 `json:"pollingInterval,omitempty"`
	// +optional
	InitialCooldownPeriod *int32 `json:"initialCooldownPeriod,omitempty"`
	// +optional
	CooldownPeriod *int32 `json:"cooldownPeriod,omitempty"`
	// +optional
	IdleReplicaCount *int32 `json:"idleReplicaCount,omitempty"`
	// +optional
	MinReplicaCount *int32 `json:"minReplicaCount,omitempty"`
	// +optional
	MaxReplicaCount *int32 `json:"maxReplicaCount,omitempty"`
	// +optional
	Advanced *AdvancedConfig `json:"advanced,omitempty"`
	Triggers []ScaleTriggers `json:"triggers"`
	// +optional
	Fallback *Fallback `json:"fallback,omitempty"`
}

// ScaleTarget names the scaled workload.
type ScaleTarget struct {
	Name string `json:"name"`
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
	// +optional
	Kind string `json:"kind,omitempty"`
	// +optional
	EnvSourceContainerName string `json:"envSourceContainerName,omitempty"`
}

// AdvancedConfig tunes the HPA KEDA creates.
type AdvancedConfig struct {
	// +optional
	HorizontalPodAutoscalerConfig *HorizontalPodAutoscalerConfig `json:"horizontalPodAutoscalerConfig,omitempty"`
	// +optional
	RestoreToOriginalReplicaCount bool `json:"restoreToOriginalReplicaCount,omitempty"`
	// +optional
	ScalingModifiers *ScalingModifiers `json:"scalingModifiers,omitempty"`
}

// HorizontalPodAutoscalerConfig names and shapes KEDA's HPA.
type HorizontalPodAutoscalerConfig struct {
	// +optional
	Name string `json:"name,omitempty"`
	// +optional
	Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior,omitempty"`
}

// ScalingModifiers combines the triggers' metrics with a formula.
type ScalingModifiers struct {
	// +optional
	Formula string `json:"formula,omitempty"`
	// +optional
	Target string `json:"target,omitempty"`
	// +optional
	ActivationTarget string `json:"activationTarget,omitempty"`
	// +optional
	MetricType autoscalingv2.MetricTargetType `json:"metricType,omitempty"`
}

// ScaleTriggers is one event source.
type ScaleTriggers struct {
	Type string `json:"type"`
	// +optional
	Name string `json:"name,omitempty"`
	// +optional
	UseCachedMetrics bool              `json:"useCachedMetrics,omitempty"`
	Metadata         map[string]string `json:"metadata"`
	// +optional
	AuthenticationRef *AuthenticationRef `json:"authenticationRef,omitempty"`
	// +optional
	MetricType autoscalingv2.MetricTargetType `json:"metricType,omitempty"`
}

// AuthenticationRef names a TriggerAuthentication.
type AuthenticationRef struct {
	Name string `json:"name"`
	// +optional
	Kind string `json:"kind,omitempty"`
}

// Fallback is the replica count used when the triggers fail.
type Fallback struct {
	FailureThreshold int32 `json:"failureThreshold"`
	Replicas         int32 `json:"replicas"`
	// +optional
	Behavior string `json:"behavior,omitempty"`
}
