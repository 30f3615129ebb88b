// This file is a Canary's status: its phase, counters, hashes and Promoted condition, everything
// the level-triggered engine reads back to resume after a restart.

package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CanaryPhase is where a Canary is in its life.
type CanaryPhase string

// The phases, in Flagger's words.
const (
	CanaryPhaseInitializing     CanaryPhase = "Initializing"
	CanaryPhaseInitialized      CanaryPhase = "Initialized"
	CanaryPhaseWaiting          CanaryPhase = "Waiting"
	CanaryPhaseProgressing      CanaryPhase = "Progressing"
	CanaryPhaseWaitingPromotion CanaryPhase = "WaitingPromotion"
	CanaryPhasePromoting        CanaryPhase = "Promoting"
	CanaryPhaseFinalising       CanaryPhase = "Finalising"
	CanaryPhaseSucceeded        CanaryPhase = "Succeeded"
	CanaryPhaseFailed           CanaryPhase = "Failed"
	CanaryPhaseTerminating      CanaryPhase = "Terminating"
	CanaryPhaseTerminated       CanaryPhase = "Terminated"
)

// CanaryConditionType names a condition; Flagger has one, Promoted.
type CanaryConditionType string

// PromotedType is the condition that says whether the last revision was promoted.
const PromotedType CanaryConditionType = "Promoted"

// CanaryStatus is everything the engine needs to resume: the engine is
// level-triggered, so a restart reads this and the cluster, nothing else.
type CanaryStatus struct {
	// +optional
	Phase CanaryPhase `json:"phase,omitempty"`
	// +optional
	FailedChecks int `json:"failedChecks"`
	// +optional
	CanaryWeight int `json:"canaryWeight"`
	// +optional
	Iterations int `json:"iterations"`
	// +optional
	PreviousSessionAffinityCookie string `json:"previousSessionAffinityCookie,omitempty"`
	// +optional
	SessionAffinityCookie string `json:"sessionAffinityCookie,omitempty"`
	// +optional
	PrimarySessionAffinityCookie string `json:"primarySessionAffinityCookie,omitempty"`
	// +optional
	TrackedConfigs *map[string]string `json:"trackedConfigs,omitempty"`
	// LastAppliedSpec is the hash of the target's pod template the analysis is about.
	// +optional
	LastAppliedSpec string `json:"lastAppliedSpec,omitempty"`
	// LastPromotedSpec is the hash of the pod template last copied to the primary.
	// +optional
	LastPromotedSpec string `json:"lastPromotedSpec,omitempty"`
	// +optional
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty"`
	// +optional
	Conditions []CanaryCondition `json:"conditions,omitempty"`
}

// CanaryCondition is the Promoted condition.
type CanaryCondition struct {
	Type   CanaryConditionType    `json:"type"`
	Status corev1.ConditionStatus `json:"status"`
	// +optional
	LastUpdateTime metav1.Time `json:"lastUpdateTime,omitempty"`
	// +optional
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty"`
	// +optional
	Reason string `json:"reason,omitempty"`
	// +optional
	Message string `json:"message,omitempty"`
}
