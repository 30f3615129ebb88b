// This file tests the Deployment rollout's own patches against the ones
// controller-runtime would compute, and the memo of workload revisions.

package kube

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// TestReplicasPatchIsMergeFroms: the written-out scale patch is the bytes
// client.MergeFrom sends for the same change, from no replicas, from some,
// to zero and back.
func TestReplicasPatchIsMergeFroms(t *testing.T) {
	for _, c := range []struct {
		from *int32
		to   int32
	}{{nil, 0}, {nil, 3}, {ptr(2), 0}, {ptr(0), 1}, {ptr(1), 1024}} {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test", ResourceVersion: "7"},
			Spec: appsv1.DeploymentSpec{Replicas: c.from, Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: "podinfo:1"}}}}}}
		want, err := client.MergeFrom(d.DeepCopy()).Data(withReplicas(d, c.to))
		if err != nil {
			t.Fatal(err)
		}
		p := replicasPatch(c.to)
		got, err := p.Data(d)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) || p.Type() != client.Merge.Type() {
			t.Errorf("%v → %d: %s %s, want %s %s", c.from, c.to, p.Type(), got, client.Merge.Type(), want)
		}
	}
}

func withReplicas(d *appsv1.Deployment, n int32) *appsv1.Deployment {
	d = d.DeepCopy()
	d.Spec.Replicas = &n
	return d
}

func ptr(n int32) *int32 { return &n }

func ptr64(n int64) *int64 { return &n }

// TestRevisionMemo: a workload's revision is hashed once per version of
// the object read (UID and resourceVersion), again when either changes
// with the pod template unless another object's version had its pod spec
// lately, and every time for an object without them.
func TestRevisionMemo(t *testing.T) {
	var m RevisionMemo
	hashes := 0
	revisionOf := func(uid, rv, image string) string {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", UID: types.UID(uid), ResourceVersion: rv},
			Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: image}}}}}}
		return m.of(d, &d.Spec.Template, func() string { hashes++; return Revision(&d.Spec.Template) })
	}
	for _, step := range []struct {
		uid, rv, image string
		hashes         int
	}{
		{"a", "1", "podinfo:1", 1},
		{"a", "1", "podinfo:1", 1}, // the same version: remembered
		{"a", "2", "podinfo:2", 2}, // a write: hashed again
		{"b", "2", "podinfo:1", 2}, // another object with a pod spec hashed before: remembered
		{"b", "3", "podinfo:4", 3}, // another object, a new pod spec
		{"a", "2", "podinfo:2", 3},
		{"a", "3", "podinfo:2", 3}, // a write that left the template
		{"a", "4", "podinfo:3", 4},
		{"", "2", "podinfo:2", 5}, // no UID: never remembered
		{"", "2", "podinfo:2", 6},
		{"c", "", "podinfo:2", 7}, // no resourceVersion
		{"c", "", "podinfo:2", 8},
	} {
		got := revisionOf(step.uid, step.rv, step.image)
		want := Revision(&corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: step.image}}}})
		if got != want || hashes != step.hashes {
			t.Errorf("%+v: revision %s after %d hashes, want %s after %d", step, got, hashes, want, step.hashes)
		}
	}
}

// TestPromotionIsMergeFroms: the promotion patch, diffed from the parts
// promote writes, is the bytes client.MergeFrom computes from the whole
// primary, status and server metadata included: for a new image, for
// labels and annotations added and taken away, for rollout settings, and
// with and without an autoscaler.
func TestPromotionIsMergeFroms(t *testing.T) {
	hpa := func(cd *v1beta1.Canary) {
		cd.Spec.AutoscalerRef = &v1beta1.AutoscalerReference{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler", Name: "podinfo"}
	}
	for _, c := range []struct {
		name   string
		target func(*appsv1.Deployment)
		canary func(*v1beta1.Canary)
	}{
		{"a new image", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "podinfo:2" }, nil},
		{"the same pod", func(*appsv1.Deployment) {}, nil},
		{"template labels and annotations", func(d *appsv1.Deployment) {
			d.Spec.Template.Labels = map[string]string{"app": "podinfo", "team": "web"}
			d.Spec.Template.Annotations = map[string]string{"prometheus.io/scrape": "true"}
		}, nil},
		{"rollout settings", func(d *appsv1.Deployment) {
			d.Spec.ProgressDeadlineSeconds, d.Spec.MinReadySeconds, d.Spec.Replicas = ptr(60), 5, ptr(4)
			d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
		}, nil},
		{"replicas under an autoscaler", func(d *appsv1.Deployment) { d.Spec.Replicas = ptr(4) }, hpa},
		{"volumes, env and init containers", func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Volumes = []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
				ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "podinfo-config"}}}}}
			d.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "LEVEL", Value: "debug"}}
			d.Spec.Template.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox"}}
			d.Spec.Template.Spec.TerminationGracePeriodSeconds = ptr64(30)
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			cd := &v1beta1.Canary{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"}}
			if c.canary != nil {
				c.canary(cd)
			}
			target := promotionTarget()
			c.target(target)
			p := promotedPrimary()
			whole := p.DeepCopy()
			patch, err := promotion(cd, p, target, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := client.MergeFrom(whole).Data(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := patch.Data(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) || patch.Type() != client.Merge.Type() {
				t.Errorf("%s %s, want %s %s", patch.Type(), got, client.Merge.Type(), want)
			}
		})
	}
}

func promotionTarget() *appsv1.Deployment {
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Spec: appsv1.DeploymentSpec{Replicas: ptr(2), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "podinfo"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "podinfo"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "podinfo:1", Ports: []corev1.ContainerPort{{ContainerPort: 9898}}}}}}}}
}

// promotedPrimary is a primary as the API server holds it: server
// metadata, an owner, Flux's annotation, a status.
func promotedPrimary() *appsv1.Deployment {
	p := promotionTarget()
	p.Name, p.UID, p.ResourceVersion, p.Generation = "podinfo-primary", "uid-3", "42", 2
	p.Labels = map[string]string{"app": "podinfo-primary"}
	p.Annotations = map[string]string{"kustomize.toolkit.fluxcd.io/reconcile": "disabled"}
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "flagger.app/v1beta1", Kind: "Canary", Name: "podinfo", UID: "uid-1"}}
	p.Spec.Selector.MatchLabels = map[string]string{"app": "podinfo-primary"}
	p.Spec.Template.Labels = map[string]string{"app": "podinfo-primary"}
	p.Spec.Template.Annotations = map[string]string{"old": "annotation"}
	p.Status = appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 2, Conditions: []appsv1.DeploymentCondition{
		{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable"}}}
	return p
}

// TestSameTemplateIsDeepEqual: SameTemplate answers as reflect.DeepEqual
// for a template and itself, a shallow copy (a status write's or a
// scale's), a deep copy, and copies that differ in a scalar, a pointer's
// target, a slice's element or a map's entry.
func TestSameTemplateIsDeepEqual(t *testing.T) {
	base := &corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "podinfo"}},
		Spec: corev1.PodSpec{TerminationGracePeriodSeconds: ptr64(30),
			Containers: []corev1.Container{{Name: "app", Image: "podinfo:1"}}},
	}
	shallow := *base
	for _, c := range []struct {
		name  string
		other func() *corev1.PodTemplateSpec
	}{
		{"itself", func() *corev1.PodTemplateSpec { return base }},
		{"a shallow copy", func() *corev1.PodTemplateSpec { return &shallow }},
		{"a deep copy", base.DeepCopy},
		{"another scalar", func() *corev1.PodTemplateSpec { o := *base; o.Spec.Hostname = "h"; return &o }},
		{"another pointer target", func() *corev1.PodTemplateSpec {
			o := *base
			o.Spec.TerminationGracePeriodSeconds = ptr64(31)
			return &o
		}},
		{"another slice element", func() *corev1.PodTemplateSpec {
			o := base.DeepCopy()
			o.Spec.Containers[0].Image = "podinfo:2"
			return o
		}},
		{"another map entry", func() *corev1.PodTemplateSpec { o := base.DeepCopy(); o.Labels["app"] = "other"; return o }},
	} {
		other := c.other()
		if got, want := SameTemplate(base, other), reflect.DeepEqual(base, other); got != want {
			t.Errorf("%s: SameTemplate %v, DeepEqual %v", c.name, got, want)
		}
	}
}
