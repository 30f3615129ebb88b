// This file is the AlertProvider kind: where a Canary's alerts go (type, channel, address, proxy,
// secret) and the provider types Flagger accepts.

package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +genclient
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Type",type="string",JSONPath=".spec.type"

// AlertProvider is where a Canary's alerts go (slack, msteams, discord, rocket, gchat).
type AlertProvider struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec AlertProviderSpec `json:"spec"`
	// +optional
	Status AlertProviderStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// AlertProviderList is a list of AlertProviders.
type AlertProviderList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []AlertProvider `json:"items"`
}

// AlertProviderTypes lists the alert provider types Flagger supports.
var AlertProviderTypes = []string{"slack", "msteams", "discord", "rocket", "gchat"}

// AlertProviderSpec says where to send alerts.
type AlertProviderSpec struct {
	// +kubebuilder:validation:Enum=slack;msteams;discord;rocket;gchat
	Type string `json:"type"`
	// +optional
	Channel string `json:"channel,omitempty"`
	// +optional
	Username string `json:"username,omitempty"`
	// +optional
	Address string `json:"address,omitempty"`
	// +optional
	Proxy string `json:"proxy,omitempty"`
	// +optional
	SecretRef *corev1.LocalObjectReference `json:"secretRef,omitempty"`
}

// AlertProviderStatus holds the provider's conditions.
type AlertProviderStatus struct {
	// +optional
	Conditions []AlertProviderCondition `json:"conditions,omitempty"`
}

// AlertProviderCondition is one condition of an AlertProvider.
type AlertProviderCondition struct {
	Type   string                 `json:"type"`
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
