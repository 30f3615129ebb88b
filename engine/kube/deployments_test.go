// This file tests the Deployment rollout's own patches against the ones
// controller-runtime would compute.

package kube

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
