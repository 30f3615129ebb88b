// This file is the Knative Service (revision template, traffic targets, status) and Revision types,
// with the Ready condition Flagger waits for and the annotation naming the primary revision.

package v1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PrimaryRevisionAnnotation is where Flagger keeps the name of the revision
// that serves as the primary, on the Knative Service itself.
const PrimaryRevisionAnnotation = "flagger.app/primary-revision"

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status

// Service is a Knative Service: a template that stamps out a new Revision
// on every change, and traffic targets that split requests between them.
type Service struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   ServiceSpec   `json:"spec,omitempty"`
	Status ServiceStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ServiceList is a list of Services.
type ServiceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Service `json:"items"`
}

// ServiceSpec is the template of the next revision and the traffic split.
type ServiceSpec struct {
	Template RevisionTemplateSpec `json:"template,omitempty"`
	// +optional
	Traffic []TrafficTarget `json:"traffic,omitempty"`
}

// RevisionTemplateSpec is what every new revision is created from.
type RevisionTemplateSpec struct {
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec RevisionSpec `json:"spec,omitempty"`
}

// RevisionSpec is a pod spec plus Knative's request settings.
type RevisionSpec struct {
	corev1.PodSpec `json:",inline"`
	// +optional
	ContainerConcurrency *int64 `json:"containerConcurrency,omitempty"`
	// +optional
	TimeoutSeconds *int64 `json:"timeoutSeconds,omitempty"`
	// +optional
	ResponseStartTimeoutSeconds *int64 `json:"responseStartTimeoutSeconds,omitempty"`
	// +optional
	IdleTimeoutSeconds *int64 `json:"idleTimeoutSeconds,omitempty"`
}

// TrafficTarget sends a percent of the requests to one revision, or to the
// latest ready one.
type TrafficTarget struct {
	// +optional
	Tag string `json:"tag,omitempty"`
	// +optional
	RevisionName string `json:"revisionName,omitempty"`
	// +optional
	ConfigurationName string `json:"configurationName,omitempty"`
	// +optional
	LatestRevision *bool `json:"latestRevision,omitempty"`
	// +optional
	Percent *int64 `json:"percent,omitempty"`
	// +optional
	URL string `json:"url,omitempty"`
}

// ServiceStatus is what Knative's controller reports.
type ServiceStatus struct {
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// +optional
	Conditions []Condition `json:"conditions,omitempty"`
	// +optional
	LatestReadyRevisionName string `json:"latestReadyRevisionName,omitempty"`
	// +optional
	LatestCreatedRevisionName string `json:"latestCreatedRevisionName,omitempty"`
	// Traffic is the split in force, every target resolved to a revision.
	// +optional
	Traffic []TrafficTarget `json:"traffic,omitempty"`
	// +optional
	URL string `json:"url,omitempty"`
}

// Condition is Knative's condition shape.
type Condition struct {
	Type   string                 `json:"type"`
	Status corev1.ConditionStatus `json:"status"`
	// +optional
	Reason string `json:"reason,omitempty"`
	// +optional
	Message string `json:"message,omitempty"`
	// +optional
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty"`
}

// ConditionReady is the condition every Knative resource reports.
const ConditionReady = "Ready"

// +kubebuilder:object:root=true
// +kubebuilder:subresource:status

// Revision is one immutable snapshot of a Service's template.
type Revision struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   RevisionSpec   `json:"spec,omitempty"`
	Status RevisionStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// RevisionList is a list of Revisions.
type RevisionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Revision `json:"items"`
}

// RevisionStatus carries the Ready condition.
type RevisionStatus struct {
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// +optional
	Conditions []Condition `json:"conditions,omitempty"`
}

// IsReady says whether the revision's Ready condition is True, as
// Knative's own IsReady does.
func (r *Revision) IsReady() bool {
	c := r.Status.Condition(ConditionReady)
	return c != nil && c.Status == corev1.ConditionTrue
}

// Condition returns the condition of type t, or nil.
func (s *RevisionStatus) Condition(t string) *Condition {
	for i := range s.Conditions {
		if s.Conditions[i].Type == t {
			return &s.Conditions[i]
		}
	}
	return nil
}
