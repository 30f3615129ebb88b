package manifest

import (
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
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
