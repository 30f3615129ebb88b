// This file measures the Store against controller-runtime's fake client on
// the same objects: get, status update, list, merge patch and scale.

package memory

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	clienttesting "k8s.io/client-go/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// backends are the memory cluster before (the fake client, configured as
// NewMemory configured it) and after (the Store), over the same objects.
func backends(b *testing.B, objs ...client.Object) map[string]client.Client {
	scheme, err := Scheme()
	if err != nil {
		b.Fatal(err)
	}
	tracker := clienttesting.NewObjectTracker(scheme, serializer.NewCodecFactory(scheme).UniversalDecoder())
	f := fake.NewClientBuilder().WithScheme(scheme).WithObjectTracker(tracker).
		WithStatusSubresource(&appsv1.Deployment{}, &v1beta1.Canary{}, &corev1.Service{}).
		WithObjects(objs...).Build()
	return map[string]client.Client{"store": newStore(b, objs...), "fake": f}
}

func benchBackends(b *testing.B, objs []client.Object, op func(b *testing.B, c client.Client)) {
	for _, name := range []string{"store", "fake"} {
		c := backends(b, objs...)[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				op(b, c)
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	key := client.ObjectKey{Namespace: "test", Name: "podinfo"}
	benchBackends(b, []client.Object{podinfo()}, func(b *testing.B, c client.Client) {
		var d appsv1.Deployment
		if err := c.Get(ctx, key, &d); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkStatusUpdate(b *testing.B) {
	key := client.ObjectKey{Namespace: "test", Name: "podinfo"}
	benchBackends(b, []client.Object{canary()}, func(b *testing.B, c client.Client) {
		var cd v1beta1.Canary
		if err := c.Get(ctx, key, &cd); err != nil {
			b.Fatal(err)
		}
		cd.Status.Iterations++
		if err := c.Status().Update(ctx, &cd); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkList3Deployments(b *testing.B) {
	objs := []client.Object{podinfo(), deployment("test", "podinfo-primary", "podinfo:6.0.0", 2, nil),
		deployment("test", "other", "x:1", 1, nil), canary()}
	benchBackends(b, objs, func(b *testing.B, c client.Client) {
		var list appsv1.DeploymentList
		if err := c.List(ctx, &list, client.InNamespace("test")); err != nil || len(list.Items) != 3 {
			b.Fatalf("%d items, %v", len(list.Items), err)
		}
	})
}

func BenchmarkMergePatch(b *testing.B) {
	key := client.ObjectKey{Namespace: "test", Name: "podinfo"}
	benchBackends(b, []client.Object{podinfo()}, func(b *testing.B, c client.Client) {
		var d appsv1.Deployment
		if err := c.Get(ctx, key, &d); err != nil {
			b.Fatal(err)
		}
		p := client.MergeFrom(d.DeepCopy())
		*d.Spec.Replicas = 3 - *d.Spec.Replicas
		if err := c.Patch(ctx, &d, p); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkScalePatch is the engine's scale of a Deployment: a merge patch
// of the replicas alone, written out (no diff on the client's side).
func BenchmarkScalePatch(b *testing.B) {
	replicas := [2][]byte{[]byte(`{"spec":{"replicas":0}}`), []byte(`{"spec":{"replicas":2}}`)}
	benchBackends(b, []client.Object{podinfo()}, func(b *testing.B, c client.Client) {
		d := appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "test", Name: "podinfo"}}
		for _, r := range replicas {
			if err := c.Patch(ctx, &d, client.RawPatch(types.MergePatchType, r)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
