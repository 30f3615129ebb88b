// This file tests the Deployment rollout's own patches against the ones
// controller-runtime would compute, and the memo of workload revisions.

package kube

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
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

// TestRevisionMemo: a workload's revision is hashed once per version of
// the object read (UID and resourceVersion), again when either changes,
// and every time for an object without them.
func TestRevisionMemo(t *testing.T) {
	var m revisionMemo
	hashes := 0
	revisionOf := func(uid, rv, image string) string {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", UID: types.UID(uid), ResourceVersion: rv},
			Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "app", Image: image}}}}}}
		return m.of(d, func() string { hashes++; return Revision(&d.Spec.Template) })
	}
	for _, step := range []struct {
		uid, rv, image string
		hashes         int
	}{
		{"a", "1", "podinfo:1", 1},
		{"a", "1", "podinfo:1", 1}, // the same version: remembered
		{"a", "2", "podinfo:2", 2}, // a write: hashed again
		{"b", "2", "podinfo:1", 3}, // another object
		{"a", "2", "podinfo:2", 3},
		{"", "2", "podinfo:2", 4}, // no UID: never remembered
		{"", "2", "podinfo:2", 5},
		{"c", "", "podinfo:2", 6}, // no resourceVersion
		{"c", "", "podinfo:2", 7},
	} {
		got := revisionOf(step.uid, step.rv, step.image)
		want := Revision(&corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: step.image}}}})
		if got != want || hashes != step.hashes {
			t.Errorf("%+v: revision %s after %d hashes, want %s after %d", step, got, hashes, want, step.hashes)
		}
	}
}
