// This file is the MetricTemplate kind: a reusable query, the provider it runs against, and the
// model (names, interval, variables) its text/template is rendered with.

package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +genclient
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Provider",type="string",JSONPath=".spec.provider.type"

// MetricTemplate is a reusable metric query against a provider.
type MetricTemplate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec MetricTemplateSpec `json:"spec"`
	// +optional
	Status MetricTemplateStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// MetricTemplateList is a list of MetricTemplates.
type MetricTemplateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []MetricTemplate `json:"items"`
}

// MetricTemplateSpec is the provider and the query.
type MetricTemplateSpec struct {
	// +optional
	Provider MetricTemplateProvider `json:"provider,omitempty"`
	// Query is a Go text/template rendered with MetricTemplateModel.
	// +optional
	Query string `json:"query,omitempty"`
}

// MetricTemplateProvider says where and how to run the query.
type MetricTemplateProvider struct {
	// +optional
	Type string `json:"type,omitempty"`
	// +optional
	Address string `json:"address,omitempty"`
	// +optional
	Headers map[string][]string `json:"headers,omitempty"`
	// SecretRef names a Secret with credentials; its values never reach a report.
	// +optional
	SecretRef *corev1.LocalObjectReference `json:"secretRef,omitempty"`
	// +optional
	Region string `json:"region,omitempty"`
	// +optional
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// MetricTemplateModel is the data a template query is rendered with.
type MetricTemplateModel struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Target    string            `json:"target"`
	Service   string            `json:"service"`
	Ingress   string            `json:"ingress"`
	Route     string            `json:"route"`
	Interval  string            `json:"interval"`
	Variables map[string]string `json:"variables"`
}

// MetricTemplateStatus holds the template's conditions.
type MetricTemplateStatus struct {
	// +optional
	Conditions []MetricTemplateCondition `json:"conditions,omitempty"`
}

// MetricTemplateCondition is one condition of a MetricTemplate.
type MetricTemplateCondition struct {
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
