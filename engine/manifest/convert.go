// This file converts older HPA versions to autoscaling/v2 as the API server does: v1, still
// served, and the retired v2beta1 and v2beta2, noting that a current cluster refuses them.

package manifest

import (
	"encoding/json"
	"fmt"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/rehearse-dev/rehearse/engine/gitops"
)

// convertedKinds are older versions the API server still serves, decoded
// strictly in their own version and converted to the one rehearse acts on,
// as the API server converts them for a client that asks for it (Flagger
// reads every HPA through autoscaling/v2).
var convertedKinds = map[schema.GroupVersionKind]func(d *Doc) (object, Errors){
	autoscalingv1.SchemeGroupVersion.WithKind("HorizontalPodAutoscaler"): hpaFromV1,
}

func hpaFromV1(d *Doc) (object, Errors) {
	var in autoscalingv1.HorizontalPodAutoscaler
	errs, complete := d.decode(&in)
	if !complete {
		return nil, errs
	}
	return HPAFromV1(&in), errs
}

// HPAFromV1 is the API server's conversion of an autoscaling/v1 HPA: its
// CPU target becomes a Resource metric.
func HPAFromV1(in *autoscalingv1.HorizontalPodAutoscaler) *autoscalingv2.HorizontalPodAutoscaler {
	out := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: *in.ObjectMeta.DeepCopy(),
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MinReplicas: in.Spec.MinReplicas, MaxReplicas: in.Spec.MaxReplicas,
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: in.Spec.ScaleTargetRef.Kind,
				Name: in.Spec.ScaleTargetRef.Name, APIVersion: in.Spec.ScaleTargetRef.APIVersion}}}
	out.SetGroupVersionKind(autoscalingv2.SchemeGroupVersion.WithKind("HorizontalPodAutoscaler"))
	if u := in.Spec.TargetCPUUtilizationPercentage; u != nil {
		out.Spec.Metrics = []autoscalingv2.MetricSpec{{Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricSource{Name: corev1.ResourceCPU,
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: u}}}}
	}
	return out
}

// retiredKinds are versions Kubernetes no longer serves but that GitOps
// repositories still hold (autoscaling/v2beta1 until 1.25, v2beta2 until
// 1.26). Flagger reads the HPA through autoscaling/v2 on any cluster that
// took the manifest, so rehearse converts them as the API server did, and
// says so: the file will not apply to a current cluster.
var retiredKinds = map[schema.GroupVersionKind]struct {
	convert func(d *Doc) (object, Errors)
	served  string
}{
	{Group: "autoscaling", Version: "v2beta2", Kind: "HorizontalPodAutoscaler"}: {hpaFromV2beta2, "1.26"},
	{Group: "autoscaling", Version: "v2beta1", Kind: "HorizontalPodAutoscaler"}: {hpaFromV2beta1, "1.25"},
}

// retiredNote says that a retired version was converted.
func retiredNote(d *Doc, gvk schema.GroupVersionKind, servedUntil string) gitops.Note {
	return gitops.Note{Subject: gvk.Kind + " " + scalarAt(d, "metadata.name"), File: d.file, Line: d.Line(),
		Text: fmt.Sprintf("%s %s is not served since Kubernetes %s: rehearsed as autoscaling/v2, as older API servers converted it; change its apiVersion before a current cluster refuses it",
			gvk.GroupVersion(), gvk.Kind, servedUntil)}
}

// hpaFromV2beta2: v2beta2 has v2's schema, field for field.
func hpaFromV2beta2(d *Doc) (object, Errors) {
	var out autoscalingv2.HorizontalPodAutoscaler
	errs, complete := d.decode(&out)
	if !complete {
		return nil, errs
	}
	out.SetGroupVersionKind(autoscalingv2.SchemeGroupVersion.WithKind("HorizontalPodAutoscaler"))
	return &out, errs
}

// hpaV2beta1 is the part of autoscaling/v2beta1 that v2 reads differently:
// each metric's target is a field of its own instead of a MetricTarget.
type hpaV2beta1 struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		ScaleTargetRef autoscalingv2.CrossVersionObjectReference `json:"scaleTargetRef"`
		MinReplicas    *int32                                    `json:"minReplicas,omitempty"`
		MaxReplicas    int32                                     `json:"maxReplicas"`
		Metrics        []metricV2beta1                           `json:"metrics,omitempty"`
	} `json:"spec"`
	Status json.RawMessage `json:"status,omitempty"`
}

type metricV2beta1 struct {
	Type     autoscalingv2.MetricSourceType `json:"type"`
	Resource *struct {
		Name                     corev1.ResourceName `json:"name"`
		TargetAverageUtilization *int32              `json:"targetAverageUtilization,omitempty"`
		TargetAverageValue       *resource.Quantity  `json:"targetAverageValue,omitempty"`
	} `json:"resource,omitempty"`
	Pods *struct {
		MetricName         string                `json:"metricName"`
		TargetAverageValue resource.Quantity     `json:"targetAverageValue"`
		Selector           *metav1.LabelSelector `json:"selector,omitempty"`
	} `json:"pods,omitempty"`
	Object *struct {
		Target       autoscalingv2.CrossVersionObjectReference `json:"target"`
		MetricName   string                                    `json:"metricName"`
		TargetValue  resource.Quantity                         `json:"targetValue"`
		Selector     *metav1.LabelSelector                     `json:"selector,omitempty"`
		AverageValue *resource.Quantity                        `json:"averageValue,omitempty"`
	} `json:"object,omitempty"`
	External *struct {
		MetricName         string                `json:"metricName"`
		MetricSelector     *metav1.LabelSelector `json:"metricSelector,omitempty"`
		TargetValue        *resource.Quantity    `json:"targetValue,omitempty"`
		TargetAverageValue *resource.Quantity    `json:"targetAverageValue,omitempty"`
	} `json:"external,omitempty"`
}

func hpaFromV2beta1(d *Doc) (object, Errors) {
	var in hpaV2beta1
	errs, complete := d.decode(&in)
	if !complete {
		return nil, errs
	}
	out := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: in.ObjectMeta,
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{ScaleTargetRef: in.Spec.ScaleTargetRef,
			MinReplicas: in.Spec.MinReplicas, MaxReplicas: in.Spec.MaxReplicas}}
	out.SetGroupVersionKind(autoscalingv2.SchemeGroupVersion.WithKind("HorizontalPodAutoscaler"))
	for _, m := range in.Spec.Metrics {
		out.Spec.Metrics = append(out.Spec.Metrics, m.toV2())
	}
	return out, errs
}

// toV2 is the API server's v2beta1 → v2 conversion of one metric.
func (m metricV2beta1) toV2() autoscalingv2.MetricSpec {
	out := autoscalingv2.MetricSpec{Type: m.Type}
	switch {
	case m.Resource != nil:
		t := autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: m.Resource.TargetAverageUtilization}
		if m.Resource.TargetAverageValue != nil {
			t = autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: m.Resource.TargetAverageValue}
		}
		out.Resource = &autoscalingv2.ResourceMetricSource{Name: m.Resource.Name, Target: t}
	case m.Pods != nil:
		v := m.Pods.TargetAverageValue
		out.Pods = &autoscalingv2.PodsMetricSource{Metric: autoscalingv2.MetricIdentifier{Name: m.Pods.MetricName, Selector: m.Pods.Selector},
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: &v}}
	case m.Object != nil:
		v := m.Object.TargetValue
		t := autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: &v}
		if m.Object.AverageValue != nil {
			t = autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: m.Object.AverageValue}
		}
		out.Object = &autoscalingv2.ObjectMetricSource{DescribedObject: m.Object.Target,
			Metric: autoscalingv2.MetricIdentifier{Name: m.Object.MetricName, Selector: m.Object.Selector}, Target: t}
	case m.External != nil:
		t := autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: m.External.TargetValue}
		if m.External.TargetAverageValue != nil {
			t = autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: m.External.TargetAverageValue}
		}
		out.External = &autoscalingv2.ExternalMetricSource{Metric: autoscalingv2.MetricIdentifier{Name: m.External.MetricName, Selector: m.External.MetricSelector}, Target: t}
	}
	return out
}
