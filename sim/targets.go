// This file is the world's workloads: the target objects, stand-ins for a
// missing autoscaler or config, the readiness a script or fault forces.

package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	kedav1alpha1 "github.com/rehearse-dev/rehearse/engine/api/keda/v1alpha1"
	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
)

// The targets Flagger rolls out, as the world holds them: the user's
// Deployments, DaemonSets and Knative Services (the Canary's target running
// release.from), a stand-in of the right kind when the manifests leave the
// target out, the autoscalers an autoscalerRef copies, and empty stand-ins
// for configs the target reads that the manifests do not hold.

// targetObjects are the manifests' workloads, the target running
// release.from; a stand-in takes the place of a target they leave out.
func targetObjects(sc *scenarios.Scenario, cd *v1beta1.Canary) []client.Object {
	set, ref := sc.Manifests, cd.Spec.TargetRef
	var objs []client.Object
	found := false
	for _, d := range set.Deployments {
		d = d.DeepCopy()
		if isTarget(cd, "Deployment", d) {
			found = true
			setImage(d.Spec.Template.Spec.Containers, sc.Release.From)
		}
		objs = append(objs, d)
	}
	for _, d := range set.DaemonSets {
		d = d.DeepCopy()
		if isTarget(cd, "DaemonSet", d) {
			found = true
			setImage(d.Spec.Template.Spec.Containers, sc.Release.From)
		}
		objs = append(objs, d)
	}
	for _, k := range set.KnativeServices {
		k = k.DeepCopy()
		if ref.IsKnativeService() && k.Name == ref.Name && k.Namespace == cd.Namespace {
			found = true
			setImage(k.Spec.Template.Spec.Containers, sc.Release.From)
		}
		objs = append(objs, k)
	}
	if !found {
		objs = append(objs, syntheticTarget(cd, sc.Release.From))
	}
	return objs
}

func isTarget(cd *v1beta1.Canary, kind string, o client.Object) bool {
	return cd.Spec.TargetRef.Kind == kind && !cd.Spec.TargetRef.IsKnativeService() &&
		o.GetName() == cd.Spec.TargetRef.Name && o.GetNamespace() == cd.Namespace
}

func setImage(cs []corev1.Container, image string) {
	if len(cs) > 0 && image != "" {
		cs[0].Image = image
	}
}

// syntheticTarget stands in for a target the manifests leave out.
func syntheticTarget(cd *v1beta1.Canary, image string) client.Object {
	name := cd.Spec.TargetRef.Name
	labels := map[string]string{"app": name}
	meta := metav1.ObjectMeta{Name: name, Namespace: cd.Namespace, Labels: labels}
	pod := corev1.PodSpec{Containers: []corev1.Container{{Name: name, Image: image}}}
	template := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: pod}
	selector := &metav1.LabelSelector{MatchLabels: labels}
	switch {
	case cd.Spec.TargetRef.IsKnativeService():
		return &knativev1.Service{ObjectMeta: meta, Spec: knativev1.ServiceSpec{Template: knativev1.RevisionTemplateSpec{Spec: knativev1.RevisionSpec{PodSpec: pod}}}}
	case cd.Spec.TargetRef.Kind == "DaemonSet":
		return &appsv1.DaemonSet{ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{Selector: selector, Template: template}}
	}
	one := int32(1)
	return &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: selector, Template: template}}
}

// scalerObjects are the manifests' HPAs and KEDA ScaledObjects. No
// autoscaler runs in the world: they are there for Flagger to copy.
func scalerObjects(set *manifest.Set) []client.Object {
	var objs []client.Object
	for _, o := range set.HPAs {
		objs = append(objs, o.DeepCopy())
	}
	for _, o := range set.ScaledObjects {
		objs = append(objs, o.DeepCopy())
	}
	return objs
}

// standInScaler is the autoscaler an autoscalerRef names when the
// manifests leave it out (it is often installed by a Helm chart or kept in
// another repository): Flagger would report it missing on every tick and
// never start the analysis, which is not what a rehearsal of the policy is
// about. It scales the target between one and two replicas; a note says so.
func (w *world) standInScaler(sc *scenarios.Scenario, cd *v1beta1.Canary) []client.Object {
	ref := cd.Spec.AutoscalerRef
	if ref == nil || ref.Name == "" {
		return nil
	}
	kind := ref.Kind
	if kind == "" {
		kind = "HorizontalPodAutoscaler"
	}
	if _, ok := sc.Manifests.Origins[manifest.Key(kind, cd.Namespace, ref.Name)]; ok {
		return nil
	}
	one, two := int32(1), int32(2)
	meta := metav1.ObjectMeta{Name: ref.Name, Namespace: cd.Namespace}
	target := cd.Spec.TargetRef
	var obj client.Object
	switch kind {
	case "ScaledObject":
		obj = &kedav1alpha1.ScaledObject{ObjectMeta: meta, Spec: kedav1alpha1.ScaledObjectSpec{MinReplicaCount: &one, MaxReplicaCount: &two,
			ScaleTargetRef: &kedav1alpha1.ScaleTarget{Name: target.Name, Kind: target.Kind, APIVersion: target.APIVersion},
			Triggers:       []kedav1alpha1.ScaleTriggers{{Type: "cpu", Metadata: map[string]string{"type": "Utilization", "value": "80"}}}}}
	case "HorizontalPodAutoscaler":
		obj = &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: meta, Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MinReplicas: &one, MaxReplicas: two,
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Name: target.Name, Kind: target.Kind, APIVersion: target.APIVersion}}}
	default:
		return nil // the manifest check refuses other kinds
	}
	w.notes = append(w.notes, fmt.Sprintf("%s %s: not in the manifests, though spec.autoscalerRef names it; a stand-in scaling %s between 1 and 2 replicas was created "+
		"(on a cluster, Flagger reports it missing until it exists)", kind, ref.Name, target.Name))
	return []client.Object{obj}
}

// standInConfigs are empty ConfigMaps and Secrets for those the target's
// pod spec requires and the manifests leave out (a Secret kept in a vault,
// a ConfigMap a kustomize generator writes): Flagger would wait for them
// for ever, which is not what a rehearsal of the policy is about. A note
// says so.
func (w *world) standInConfigs(sc *scenarios.Scenario, cd *v1beta1.Canary) []client.Object {
	spec := targetPodSpec(sc, cd)
	if spec == nil {
		return nil
	}
	var objs []client.Object
	var names []string
	for _, r := range requiredConfigs(spec) {
		if _, ok := sc.Manifests.Origins[manifest.Key(r.kind, cd.Namespace, r.name)]; ok {
			continue
		}
		meta := metav1.ObjectMeta{Name: r.name, Namespace: cd.Namespace}
		if r.kind == "ConfigMap" {
			objs = append(objs, &corev1.ConfigMap{ObjectMeta: meta})
		} else {
			objs = append(objs, &corev1.Secret{ObjectMeta: meta, Type: corev1.SecretTypeOpaque})
		}
		names = append(names, r.kind+" "+r.name)
	}
	if len(names) > 0 {
		w.notes = append(w.notes, fmt.Sprintf("%s: not in the manifests, though the target's pods need them; empty stand-ins were created "+
			"(on a cluster, Flagger waits until they exist)", strings.Join(names, ", ")))
	}
	return objs
}

// targetPodSpec is the pod spec of the Canary's target in the manifests.
func targetPodSpec(sc *scenarios.Scenario, cd *v1beta1.Canary) *corev1.PodSpec {
	for _, d := range sc.Manifests.Deployments {
		if isTarget(cd, "Deployment", d) {
			return &d.Spec.Template.Spec
		}
	}
	for _, d := range sc.Manifests.DaemonSets {
		if isTarget(cd, "DaemonSet", d) {
			return &d.Spec.Template.Spec
		}
	}
	return nil
}

type configName struct{ kind, name string }

// requiredConfigs are the ConfigMaps and Secrets a pod spec reads without
// marking them optional, sorted.
func requiredConfigs(spec *corev1.PodSpec) []configName {
	var out []configName
	add := func(kind, name string, optional *bool) {
		c := configName{kind, name}
		if (optional == nil || !*optional) && name != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, v := range spec.Volumes {
		if v.ConfigMap != nil {
			add("ConfigMap", v.ConfigMap.Name, v.ConfigMap.Optional)
		}
		if v.Secret != nil {
			add("Secret", v.Secret.SecretName, v.Secret.Optional)
		}
		if v.Projected != nil {
			for _, s := range v.Projected.Sources {
				if s.ConfigMap != nil {
					add("ConfigMap", s.ConfigMap.Name, s.ConfigMap.Optional)
				}
				if s.Secret != nil {
					add("Secret", s.Secret.Name, s.Secret.Optional)
				}
			}
		}
	}
	for _, c := range append(slices.Clone(spec.Containers), spec.InitContainers...) {
		for _, e := range c.Env {
			if f := e.ValueFrom; f != nil && f.ConfigMapKeyRef != nil {
				add("ConfigMap", f.ConfigMapKeyRef.Name, f.ConfigMapKeyRef.Optional)
			} else if f != nil && f.SecretKeyRef != nil {
				add("Secret", f.SecretKeyRef.Name, f.SecretKeyRef.Optional)
			}
		}
		for _, e := range c.EnvFrom {
			if e.ConfigMapRef != nil {
				add("ConfigMap", e.ConfigMapRef.Name, e.ConfigMapRef.Optional)
			} else if e.SecretRef != nil {
				add("Secret", e.SecretRef.Name, e.SecretRef.Optional)
			}
		}
	}
	slices.SortFunc(out, func(a, b configName) int { return strings.Compare(a.kind+"/"+a.name, b.kind+"/"+b.name) })
	return out
}

// controllerKind is the workload controller the world plays besides the
// Deployment controller.
func controllerKind(cd *v1beta1.Canary) string {
	switch {
	case cd.Spec.TargetRef.IsKnativeService():
		return memory.KindKnative
	case cd.Spec.TargetRef.Kind == "DaemonSet":
		return memory.KindDaemonSet
	}
	return ""
}

// workloadOverride overrides the behaviour of the canary's or the primary's
// pods: the script's state at the tick being run, else a fault.
func (w *world) workloadOverride(name string, now time.Time) (memory.Behaviour, bool) {
	if w.script != nil {
		return w.script.workload(w.cluster.cd, name, w.release, w.interval)
	}
	return w.faults.Workload(w.cluster.cd, name, now, w.interval)
}
