// This file is Flagger's scaler reconcilers: the -primary copy of a target's HPA or KEDA
// ScaledObject, the canary's ScaledObject paused while parked, and the minimum it scales up to.

package kube

import (
	"context"
	"fmt"
	"strings"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kedav1alpha1 "github.com/rehearse-dev/rehearse/engine/api/keda/v1alpha1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Flagger's scaler reconcilers: the autoscaler a Canary's autoscalerRef
// names gets a -primary copy that scales the primary, with
// primaryScalerReplicas overriding its bounds. A KEDA ScaledObject of the
// canary is paused at zero replicas whenever the canary is scaled to zero.

// reconcileScaler creates the primary's autoscaler and, outside of
// initialization, brings it in line with the target's.
func (c *Cluster) reconcileScaler(ctx context.Context, cd *v1beta1.Canary, init bool) error {
	ref := cd.Spec.AutoscalerRef
	if ref == nil {
		return nil
	}
	switch ref.Kind {
	case "HorizontalPodAutoscaler":
		return c.reconcileHPA(ctx, cd, init)
	case "ScaledObject":
		return c.reconcileScaledObject(ctx, cd, init)
	}
	return nil
}

func primaryScalerName(cd *v1beta1.Canary) string { return cd.Spec.AutoscalerRef.Name + "-primary" }

func scalerMeta(cd *v1beta1.Canary, labels, annotations map[string]string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Name: primaryScalerName(cd), Namespace: cd.Namespace,
		Labels: withoutToolkit(labels), Annotations: withoutToolkit(annotations), OwnerReferences: ownedBy(cd)}
	return m
}

// PrimaryHPASpec is the spec of the primary's HorizontalPodAutoscaler:
// the target's, scaling the primary, within primaryScalerReplicas.
func PrimaryHPASpec(cd *v1beta1.Canary, hpa *autoscalingv2.HorizontalPodAutoscaler) autoscalingv2.HorizontalPodAutoscalerSpec {
	spec := autoscalingv2.HorizontalPodAutoscalerSpec{
		ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Name: cd.PrimaryName(),
			Kind: hpa.Spec.ScaleTargetRef.Kind, APIVersion: hpa.Spec.ScaleTargetRef.APIVersion},
		MinReplicas: hpa.Spec.MinReplicas, MaxReplicas: hpa.Spec.MaxReplicas,
		Metrics: hpa.Spec.Metrics, Behavior: hpa.Spec.Behavior,
	}
	if r := cd.Spec.AutoscalerRef.PrimaryScalerReplicas; r != nil {
		if r.MinReplicas != nil {
			spec.MinReplicas = r.MinReplicas
		}
		if r.MaxReplicas != nil {
			spec.MaxReplicas = *r.MaxReplicas
		}
	}
	return *spec.DeepCopy()
}

func (c *Cluster) reconcileHPA(ctx context.Context, cd *v1beta1.Canary, init bool) error {
	var hpa, primary autoscalingv2.HorizontalPodAutoscaler
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.AutoscalerRef.Name}, &hpa); err != nil {
		return fmt.Errorf("HorizontalPodAutoscaler %s.%s get query error: %w", cd.Spec.AutoscalerRef.Name, cd.Namespace, err)
	}
	spec := PrimaryHPASpec(cd, &hpa)
	found, err := c.get(ctx, cd.Namespace, primaryScalerName(cd), &primary)
	switch {
	case err != nil:
		return err
	case !found:
		return c.createIfMissing(ctx, &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: scalerMeta(cd, hpa.Labels, nil), Spec: spec})
	case init || equality.Semantic.DeepEqual(primary.Spec, spec):
		return nil
	}
	primary.Spec = spec
	if err := c.Client.Update(ctx, &primary); err != nil {
		return fmt.Errorf("updating HorizontalPodAutoscaler %s.%s: %w", primary.Name, cd.Namespace, err)
	}
	return nil
}

// PrimaryScaledObjectSpec is the spec of the primary's ScaledObject: the
// target's, scaling the primary, its queries pointed at the primary (by
// primaryScalerQueries, or by renaming the target in them as Flagger does),
// its HPA renamed, within primaryScalerReplicas.
func PrimaryScaledObjectSpec(cd *v1beta1.Canary, so *kedav1alpha1.ScaledObject) kedav1alpha1.ScaledObjectSpec {
	s := so.Spec.DeepCopy()
	primaryQueries(cd, s.Triggers)
	if s.Advanced == nil {
		s.Advanced = &kedav1alpha1.AdvancedConfig{}
	}
	if s.Advanced.HorizontalPodAutoscalerConfig == nil {
		s.Advanced.HorizontalPodAutoscalerConfig = &kedav1alpha1.HorizontalPodAutoscalerConfig{}
	}
	if h := s.Advanced.HorizontalPodAutoscalerConfig; h.Name != "" {
		h.Name += "-primary"
	}
	target := kedav1alpha1.ScaleTarget{Name: cd.PrimaryName()}
	if s.ScaleTargetRef != nil {
		target.Kind, target.APIVersion, target.EnvSourceContainerName = s.ScaleTargetRef.Kind, s.ScaleTargetRef.APIVersion, s.ScaleTargetRef.EnvSourceContainerName
	}
	out := kedav1alpha1.ScaledObjectSpec{ScaleTargetRef: &target, PollingInterval: s.PollingInterval, CooldownPeriod: s.CooldownPeriod,
		MinReplicaCount: s.MinReplicaCount, MaxReplicaCount: s.MaxReplicaCount, Advanced: s.Advanced, Triggers: s.Triggers,
		Fallback: s.Fallback, IdleReplicaCount: s.IdleReplicaCount}
	if r := cd.Spec.AutoscalerRef.PrimaryScalerReplicas; r != nil {
		if r.MinReplicas != nil {
			out.MinReplicaCount = r.MinReplicas
		}
		if r.MaxReplicas != nil {
			out.MaxReplicaCount = r.MaxReplicas
		}
	}
	return out
}

// primaryQueries rewrites each trigger's query for the primary: the one
// primaryScalerQueries gives the trigger by name, else the query with the
// target's name (and its -canary service) renamed to the primary's.
func primaryQueries(cd *v1beta1.Canary, triggers []kedav1alpha1.ScaleTriggers) {
	ref, name := cd.Spec.AutoscalerRef, cd.Spec.TargetRef.Name
	rename := strings.NewReplacer(name+"-canary", name+"-primary", name, name+"-primary")
	for i := range triggers {
		t := &triggers[i]
		if ref.PrimaryScalerQueries != nil {
			if q, ok := ref.PrimaryScalerQueries[t.Name]; ok {
				t.Metadata["query"] = q
			}
			continue
		}
		if q, ok := t.Metadata["query"]; ok {
			t.Metadata["query"] = rename.Replace(q)
		}
	}
}

func (c *Cluster) reconcileScaledObject(ctx context.Context, cd *v1beta1.Canary, init bool) error {
	var so, primary kedav1alpha1.ScaledObject
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.AutoscalerRef.Name}, &so); err != nil {
		return fmt.Errorf("Keda ScaledObject %s.%s get query error: %w", cd.Spec.AutoscalerRef.Name, cd.Namespace, err)
	}
	spec := PrimaryScaledObjectSpec(cd, &so)
	found, err := c.get(ctx, cd.Namespace, primaryScalerName(cd), &primary)
	switch {
	case err != nil:
		return err
	case !found:
		return c.createIfMissing(ctx, &kedav1alpha1.ScaledObject{ObjectMeta: scalerMeta(cd, so.Labels, so.Annotations), Spec: spec})
	case init || equality.Semantic.DeepEqual(primary.Spec, spec):
		return nil
	}
	primary.Spec = spec
	if err := c.Client.Update(ctx, &primary); err != nil {
		return fmt.Errorf("updating ScaledObject %s.%s: %w", primary.Name, cd.Namespace, err)
	}
	return nil
}

// pauseScaler pauses the canary's ScaledObject at zero replicas, so KEDA
// does not scale the canary back up; an HPA needs nothing.
func (c *Cluster) pauseScaler(ctx context.Context, cd *v1beta1.Canary) error {
	return c.pausedReplicas(ctx, cd, true)
}

func (c *Cluster) resumeScaler(ctx context.Context, cd *v1beta1.Canary) error {
	return c.pausedReplicas(ctx, cd, false)
}

func (c *Cluster) pausedReplicas(ctx context.Context, cd *v1beta1.Canary, pause bool) error {
	ref := cd.Spec.AutoscalerRef
	if ref == nil || ref.Kind != "ScaledObject" {
		return nil
	}
	var so kedav1alpha1.ScaledObject
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: cd.Namespace, Name: ref.Name}, &so); err != nil {
		return fmt.Errorf("Keda ScaledObject %s.%s get query error: %w", ref.Name, cd.Namespace, err)
	}
	_, paused := so.Annotations[kedav1alpha1.PausedReplicasAnnotation]
	if paused == pause {
		return nil
	}
	patch := client.MergeFrom(so.DeepCopy())
	if pause {
		so.Annotations = withLabel(so.Annotations, kedav1alpha1.PausedReplicasAnnotation, "0")
	} else {
		delete(so.Annotations, kedav1alpha1.PausedReplicasAnnotation)
	}
	if err := c.Client.Patch(ctx, &so, patch); err != nil {
		return fmt.Errorf("pausing or resuming Keda ScaledObject %s.%s: %w", ref.Name, cd.Namespace, err)
	}
	return nil
}

// scalerMinimum is the replicas a canary scaled from zero gets under an
// autoscaler: its minimum when above one, else one.
func (c *Cluster) scalerMinimum(ctx context.Context, cd *v1beta1.Canary) int32 {
	ref := cd.Spec.AutoscalerRef
	var min *int32
	switch ref.Kind {
	case "HorizontalPodAutoscaler":
		var hpa autoscalingv2.HorizontalPodAutoscaler
		if found, err := c.get(ctx, cd.Namespace, ref.Name, &hpa); found && err == nil {
			min = hpa.Spec.MinReplicas
		}
	case "ScaledObject":
		var so kedav1alpha1.ScaledObject
		if found, err := c.get(ctx, cd.Namespace, ref.Name, &so); found && err == nil {
			min = so.Spec.MinReplicaCount
		}
	}
	if min != nil && *min > 1 {
		return *min
	}
	return 1
}
