// This file tests the harness's own release patch against the one
// controller-runtime would compute, and what the world hands the memory
// backend to keep.

package sim

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
	"github.com/rehearse-dev/rehearse/sim/backend"
)

// TestImagePatchIsMergeFroms: the written-out release patch is the
// document client.MergeFrom sends for the same change, on each target kind,
// with one container or several, and when the image is already the one
// released.
func TestImagePatchIsMergeFroms(t *testing.T) {
	sidecar := corev1.Container{Name: "proxy", Image: "envoy:1", Args: []string{"--v=2"},
		Ports:     []corev1.ContainerPort{{Name: "http", ContainerPort: 9898}},
		Env:       []corev1.EnvVar{{Name: "A", Value: "b"}},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}}}
	for _, c := range []struct {
		name, kind string
		knative    bool
		extra      []corev1.Container
		image      string
	}{
		{"deployment", "Deployment", false, nil, "podinfo:2"},
		{"deployment with a sidecar", "Deployment", false, []corev1.Container{sidecar}, "podinfo:2"},
		{"daemonset", "DaemonSet", false, []corev1.Container{sidecar}, "podinfo:2"},
		{"knative service", "Service", true, []corev1.Container{sidecar}, "podinfo:2"},
		{"same image", "Deployment", false, []corev1.Container{sidecar}, "podinfo:1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			obj := emptyTarget(c.knative, c.kind)
			containers := func() []corev1.Container { return *containersOf(obj) }
			obj.SetName("podinfo")
			obj.SetResourceVersion("7")
			cs := []corev1.Container{{Name: "app", Image: "podinfo:1", Command: []string{"./podinfo"}}}
			cs = append(cs, c.extra...)
			setContainers(t, obj, cs)
			original := obj.DeepCopyObject().(client.Object)
			p, err := imagePatch(containers(), c.image)
			if err != nil {
				t.Fatal(err)
			}
			if image := containers()[0].Image; image != "podinfo:1" {
				t.Fatalf("imagePatch changed the containers it was given: image %s", image)
			}
			containers()[0].Image = c.image
			want, err := client.MergeFrom(original).Data(obj)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Data(original)
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, got, want) || p.Type() != client.Merge.Type() {
				t.Errorf("%s %s, want %s %s", p.Type(), got, client.Merge.Type(), want)
			}
		})
	}
}

// setContainers gives obj's pod template the containers cs, through the
// JSON both forms share.
func setContainers(t *testing.T, obj client.Object, cs []corev1.Container) {
	t.Helper()
	doc, err := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"containers": cs}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(doc, obj); err != nil {
		t.Fatal(err)
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// emptyTarget is an empty object of a target's kind.
func emptyTarget(knative bool, kind string) client.Object {
	switch {
	case knative:
		return &knativev1.Service{}
	case kind == "DaemonSet":
		return &appsv1.DaemonSet{}
	}
	return &appsv1.Deployment{}
}

// TestOpenClusterCopiesOnlyTheCanary: the memory backend keeps the objects
// a world loads, built for the load alone, but gets a copy of the Canary,
// which the world keeps reading: the store's stamps (resourceVersion, UID,
// generation) land on its copy, not on the world's Canary.
func TestOpenClusterCopiesOnlyTheCanary(t *testing.T) {
	ctx := context.Background()
	cd := &v1beta1.Canary{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Spec: v1beta1.CanarySpec{TargetRef: v1beta1.LocalObjectReference{Kind: "Deployment", Name: "podinfo"}}}
	target := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"}}
	want := cd.DeepCopy()
	c, err := openCluster(ctx, backend.Memory{}, []client.Object{cd, target}, cd, "kubernetes", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cd, want) {
		t.Errorf("loading changed the world's Canary: %+v, was %+v", cd, want)
	}
	stored, err := kube.Read[*v1beta1.Canary](ctx, c.client, client.ObjectKeyFromObject(cd))
	if err != nil || stored == cd || stored.ResourceVersion == "" {
		t.Errorf("the stored Canary: %p (resourceVersion %q), %v; want a stamped copy of the world's %p", stored, stored.ResourceVersion, err, cd)
	}
	kept, err := kube.Read[*appsv1.Deployment](ctx, c.client, client.ObjectKeyFromObject(target))
	if err != nil || kept != target {
		t.Errorf("the stored Deployment: %p, %v; want the one loaded, %p, kept", kept, err, target)
	}
}
