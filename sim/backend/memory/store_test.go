// This file tests the Store verb by verb (get, create, update, status, delete,
// list, patch), its copies, what it refuses, and concurrent updates.

package memory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
)

var ctx = context.Background()

func newStore(t testing.TB, objs ...client.Object) *Store {
	t.Helper()
	scheme, err := Scheme()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(scheme, &appsv1.Deployment{}, &v1beta1.Canary{}, &corev1.Service{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(objs...); err != nil {
		t.Fatal(err)
	}
	return s
}

func deployment(ns, name, image string, replicas int32, labels map[string]string) *appsv1.Deployment {
	sel := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: sel},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: sel},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: image}}}}},
		Status: appsv1.DeploymentStatus{Replicas: replicas, ObservedGeneration: 1},
	}
}

func podinfo() *appsv1.Deployment {
	return deployment("test", "podinfo", "podinfo:6.0.0", 2, map[string]string{"app": "podinfo", "team": "web"})
}

func canary() *v1beta1.Canary {
	return &v1beta1.Canary{
		ObjectMeta: metav1.ObjectMeta{Namespace: "test", Name: "podinfo"},
		Spec: v1beta1.CanarySpec{TargetRef: v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"},
			Service: v1beta1.CanaryService{Port: 9898}},
		Status: v1beta1.CanaryStatus{Phase: v1beta1.CanaryPhaseInitialized},
	}
}

func get[T client.Object](t *testing.T, s *Store, obj T, ns, name string) T {
	t.Helper()
	if err := s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, obj); err != nil {
		t.Fatalf("get %s/%s: %v", ns, name, err)
	}
	return obj
}

// wantErr checks an error against a predicate; nil expects success.
func wantErr(t *testing.T, err error, is func(error) bool) {
	t.Helper()
	switch {
	case is == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case is != nil && err == nil:
		t.Fatal("expected an error, got none")
	case is != nil && !is(err):
		t.Fatalf("wrong error: %v", err)
	}
}

func isNotSupported(err error) bool { return errors.Is(err, ErrNotSupported) }

func TestGet(t *testing.T) {
	s := newStore(t, podinfo(), canary())
	tests := []struct {
		name     string
		obj      client.Object
		key      client.ObjectKey
		resource string // the NotFound's group/resource, empty when found
	}{
		{"deployment", &appsv1.Deployment{}, client.ObjectKey{Namespace: "test", Name: "podinfo"}, ""},
		{"canary", &v1beta1.Canary{}, client.ObjectKey{Namespace: "test", Name: "podinfo"}, ""},
		{"missing deployment", &appsv1.Deployment{}, client.ObjectKey{Namespace: "test", Name: "nope"}, "deployments.apps"},
		{"other namespace", &appsv1.Deployment{}, client.ObjectKey{Namespace: "prod", Name: "podinfo"}, "deployments.apps"},
		{"missing canary", &v1beta1.Canary{}, client.ObjectKey{Namespace: "test", Name: "nope"}, "canaries.flagger.app"},
		{"kind never stored", &corev1.ConfigMap{}, client.ObjectKey{Namespace: "test", Name: "podinfo"}, "configmaps"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Get(ctx, tc.key, tc.obj)
			if tc.resource == "" {
				wantErr(t, err, nil)
				if tc.obj.GetName() != tc.key.Name || tc.obj.GetResourceVersion() == "" || tc.obj.GetUID() == "" {
					t.Errorf("got %s/%s rv %q uid %q", tc.obj.GetNamespace(), tc.obj.GetName(), tc.obj.GetResourceVersion(), tc.obj.GetUID())
				}
				if gvk := tc.obj.GetObjectKind().GroupVersionKind(); !gvk.Empty() {
					t.Errorf("typed objects come back without TypeMeta, got %s", gvk)
				}
				return
			}
			wantErr(t, err, apierrors.IsNotFound)
			var st apierrors.APIStatus
			if !errors.As(err, &st) || resourceOf(st.Status().Details) != tc.resource {
				t.Errorf("NotFound names %+v, want %s", st.Status().Details, tc.resource)
			}
		})
	}
}

func resourceOf(d *metav1.StatusDetails) string {
	return schema.GroupResource{Group: d.Group, Resource: d.Kind}.String()
}

func TestAddKeepsStatusAndStampsMetadata(t *testing.T) {
	s := newStore(t, podinfo(), canary())
	d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	cd := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
	if d.Status.Replicas != 2 || cd.Status.Phase != v1beta1.CanaryPhaseInitialized {
		t.Errorf("initial objects keep their status, got %+v and %+v", d.Status, cd.Status)
	}
	if d.UID != "uid-1" || cd.UID != "uid-2" || d.ResourceVersion != "1" || cd.ResourceVersion != "2" || d.Generation != 1 {
		t.Errorf("metadata not from counters: %q %q %q %q gen %d", d.UID, cd.UID, d.ResourceVersion, cd.ResourceVersion, d.Generation)
	}
	wantErr(t, s.Add(podinfo()), apierrors.IsAlreadyExists)
}

func TestCreate(t *testing.T) {
	withRV := podinfo()
	withRV.Name, withRV.ResourceVersion = "other", "7"
	generated := podinfo()
	generated.Name, generated.GenerateName = "", "podinfo-"
	tests := []struct {
		name     string
		obj      client.Object
		is       func(error) bool
		wantName string
	}{
		{"new deployment", deployment("test", "new", "x:1", 1, nil), nil, "new"},
		{"existing", podinfo(), apierrors.IsAlreadyExists, ""},
		{"resourceVersion set", withRV, apierrors.IsBadRequest, ""},
		{"no name", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "test"}}, apierrors.IsBadRequest, ""},
		{"generated name", generated, nil, "podinfo-00003"},
		{"same name, other kind", &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "test", Name: "podinfo"}}, nil, "podinfo"},
		{"same name, other namespace", deployment("prod", "podinfo", "x:1", 1, nil), nil, "podinfo"},
		{"dry run", deployment("test", "dry", "x:1", 1, nil), isNotSupported, ""},
	}
	s := newStore(t, podinfo())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts []client.CreateOption
			if tc.name == "dry run" {
				opts = append(opts, client.DryRunAll)
			}
			err := s.Create(ctx, tc.obj, opts...)
			wantErr(t, err, tc.is)
			if err != nil {
				return
			}
			if tc.obj.GetName() != tc.wantName || tc.obj.GetGeneration() != 1 || tc.obj.GetResourceVersion() == "" ||
				tc.obj.GetUID() == "" || !tc.obj.GetCreationTimestamp().Time.IsZero() {
				t.Errorf("server fields not filled in: %+v", tc.obj)
			}
		})
	}
}

func TestCreateDropsStatusOfStatusSubresource(t *testing.T) {
	s := newStore(t)
	d := podinfo()
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "test", Name: "p"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	for _, o := range []client.Object{d, pod} {
		if err := s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if got := get(t, s, &appsv1.Deployment{}, "test", "podinfo"); got.Status.Replicas != 0 || d.Status.Replicas != 0 {
		t.Errorf("a Deployment is created without status, stored %+v, returned %+v", got.Status, d.Status)
	}
	if got := get(t, s, &corev1.Pod{}, "test", "p"); got.Status.Phase != corev1.PodRunning {
		t.Errorf("a kind without status subresource keeps its status, got %+v", got.Status)
	}
}

func TestUpdate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(d *appsv1.Deployment)
		is      func(error) bool
		wantGen int64
		check   func(t *testing.T, stored *appsv1.Deployment)
	}{
		{"spec change bumps generation", func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "podinfo:6.0.1" }, nil, 2,
			func(t *testing.T, d *appsv1.Deployment) {
				if Image(d) != "podinfo:6.0.1" {
					t.Errorf("image %q", Image(d))
				}
			}},
		{"label change keeps generation", func(d *appsv1.Deployment) { d.Labels = map[string]string{"team": "a"} }, nil, 1,
			func(t *testing.T, d *appsv1.Deployment) {
				if d.Labels["team"] != "a" {
					t.Errorf("labels %v", d.Labels)
				}
			}},
		{"status change ignored", func(d *appsv1.Deployment) { d.Status.Replicas = 9 }, nil, 1,
			func(t *testing.T, d *appsv1.Deployment) {
				if d.Status.Replicas != 2 {
					t.Errorf("status replicas %d, want the stored 2", d.Status.Replicas)
				}
			}},
		{"server fields kept", func(d *appsv1.Deployment) { d.UID, d.Generation = "forged", 42 }, nil, 1,
			func(t *testing.T, d *appsv1.Deployment) {
				if d.UID != "uid-1" {
					t.Errorf("uid %q", d.UID)
				}
			}},
		{"unconditional", func(d *appsv1.Deployment) { d.ResourceVersion = "" }, nil, 1, nil},
		{"stale resourceVersion", func(d *appsv1.Deployment) { d.ResourceVersion = "0" }, apierrors.IsConflict, 0, nil},
		{"missing", func(d *appsv1.Deployment) { d.Name = "nope" }, apierrors.IsNotFound, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, podinfo())
			d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
			before := d.ResourceVersion
			tc.change(d)
			err := s.Update(ctx, d)
			wantErr(t, err, tc.is)
			if err != nil {
				return
			}
			stored := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
			if stored.Generation != tc.wantGen || d.Generation != tc.wantGen {
				t.Errorf("generation stored %d returned %d, want %d", stored.Generation, d.Generation, tc.wantGen)
			}
			if stored.ResourceVersion == before || d.ResourceVersion != stored.ResourceVersion {
				t.Errorf("resourceVersion %q → stored %q returned %q", before, stored.ResourceVersion, d.ResourceVersion)
			}
			if d.Status.Replicas != stored.Status.Replicas {
				t.Errorf("the caller's object is not the stored one: status %+v vs %+v", d.Status, stored.Status)
			}
			if tc.check != nil {
				tc.check(t, stored)
			}
		})
	}
}

func TestUpdateWithoutStatusSubresourceReplacesStatus(t *testing.T) {
	s := newStore(t, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "test", Name: "p"}})
	p := get(t, s, &corev1.Pod{}, "test", "p")
	p.Status.Phase = corev1.PodRunning
	if err := s.Update(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, &corev1.Pod{}, "test", "p"); got.Status.Phase != corev1.PodRunning {
		t.Errorf("phase %q", got.Status.Phase)
	}
}

func TestStatusUpdate(t *testing.T) {
	tests := []struct {
		name  string
		obj   func(s *Store) client.Object
		is    func(error) bool
		check func(t *testing.T, s *Store)
	}{
		{"changes only the status", func(s *Store) client.Object {
			cd := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
			cd.Status.Phase, cd.Spec.Suspend, cd.Labels = v1beta1.CanaryPhaseProgressing, true, map[string]string{"x": "y"}
			return cd
		}, nil, func(t *testing.T, s *Store) {
			cd := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
			if cd.Status.Phase != v1beta1.CanaryPhaseProgressing || cd.Spec.Suspend || cd.Labels != nil || cd.Generation != 1 {
				t.Errorf("got phase %s suspend %v labels %v generation %d", cd.Status.Phase, cd.Spec.Suspend, cd.Labels, cd.Generation)
			}
		}},
		{"stale resourceVersion", func(s *Store) client.Object {
			cd := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
			cd.ResourceVersion = "1"
			return cd
		}, apierrors.IsConflict, nil},
		{"missing object", func(*Store) client.Object {
			cd := canary()
			cd.Name = "nope"
			return cd
		}, apierrors.IsNotFound, nil},
		{"kind without status subresource", func(s *Store) client.Object {
			return get(t, s, &corev1.Pod{}, "test", "p")
		}, apierrors.IsNotFound, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, podinfo(), canary(), &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "test", Name: "p"}})
			err := s.Status().Update(ctx, tc.obj(s))
			wantErr(t, err, tc.is)
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

func TestStatusUpdateReturnsStoredObject(t *testing.T) {
	s := newStore(t, canary())
	cd := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
	cd.Spec.Suspend, cd.Status.Iterations = true, 3
	if err := s.Status().Update(ctx, cd); err != nil {
		t.Fatal(err)
	}
	if cd.Spec.Suspend || cd.Status.Iterations != 3 || cd.ResourceVersion != "2" {
		t.Errorf("caller holds suspend %v iterations %d rv %q, want the stored false 3 \"2\"", cd.Spec.Suspend, cd.Status.Iterations, cd.ResourceVersion)
	}
}

func TestDelete(t *testing.T) {
	stale, uid := "0", types.UID("uid-9")
	tests := []struct {
		name string
		obj  client.Object
		opts []client.DeleteOption
		is   func(error) bool
		gone bool
	}{
		{"existing", podinfo(), nil, nil, true},
		{"missing", deployment("test", "nope", "x", 1, nil), nil, apierrors.IsNotFound, false},
		{"stale resourceVersion precondition", podinfo(), []client.DeleteOption{client.Preconditions{ResourceVersion: &stale}}, apierrors.IsConflict, false},
		{"wrong uid precondition", podinfo(), []client.DeleteOption{client.Preconditions{UID: &uid}}, apierrors.IsConflict, false},
		{"dry run", podinfo(), []client.DeleteOption{client.DryRunAll}, isNotSupported, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, podinfo())
			wantErr(t, s.Delete(ctx, tc.obj, tc.opts...), tc.is)
			err := s.Get(ctx, client.ObjectKey{Namespace: "test", Name: "podinfo"}, &appsv1.Deployment{})
			if gone := apierrors.IsNotFound(err); gone != tc.gone {
				t.Errorf("gone=%v, want %v (get: %v)", gone, tc.gone, err)
			}
		})
	}
}

func TestDeleteWaitsForFinalizers(t *testing.T) {
	cd := canary()
	cd.Finalizers = []string{"finalizers.flagger.app"}
	s := newStore(t, cd)
	if err := s.Delete(ctx, cd); err != nil {
		t.Fatal(err)
	}
	held := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
	if held.DeletionTimestamp == nil {
		t.Fatal("an object with finalizers is marked, not removed")
	}
	held.Finalizers = nil
	if err := s.Update(ctx, held); err != nil {
		t.Fatal(err)
	}
	if err := s.Get(ctx, client.ObjectKeyFromObject(cd), &v1beta1.Canary{}); !apierrors.IsNotFound(err) {
		t.Errorf("removing the last finalizer deletes the object, get says %v", err)
	}
}

func TestList(t *testing.T) {
	s := newStore(t,
		deployment("b", "web", "x", 1, map[string]string{"tier": "front"}),
		deployment("a", "zeta", "x", 1, map[string]string{"tier": "back"}),
		deployment("a", "alpha", "x", 1, map[string]string{"tier": "front"}),
		deployment("a", "mid", "x", 1, nil),
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "svc"}},
	)
	tests := []struct {
		name string
		opts []client.ListOption
		want []string
		is   func(error) bool
	}{
		{"all namespaces, sorted", nil, []string{"a/alpha", "a/mid", "a/zeta", "b/web"}, nil},
		{"in namespace", []client.ListOption{client.InNamespace("a")}, []string{"a/alpha", "a/mid", "a/zeta"}, nil},
		{"matching labels", []client.ListOption{client.MatchingLabels{"tier": "front"}}, []string{"a/alpha", "b/web"}, nil},
		{"labels and namespace", []client.ListOption{client.InNamespace("a"), client.MatchingLabels{"tier": "front"}}, []string{"a/alpha"}, nil},
		{"label exists", []client.ListOption{client.HasLabels{"tier"}}, []string{"a/alpha", "a/zeta", "b/web"}, nil},
		{"empty namespace", []client.ListOption{client.InNamespace("c")}, []string{}, nil},
		{"field metadata.name", []client.ListOption{client.MatchingFields{"metadata.name": "mid"}}, []string{"a/mid"}, nil},
		{"other field", []client.ListOption{client.MatchingFieldsSelector{Selector: fields.OneTermEqualSelector("spec.paused", "true")}}, nil, isNotSupported},
		{"continue token", []client.ListOption{client.Continue("abc")}, nil, isNotSupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var list appsv1.DeploymentList
			err := s.List(ctx, &list, tc.opts...)
			wantErr(t, err, tc.is)
			if err != nil {
				return
			}
			got := []string{}
			for _, d := range list.Items {
				got = append(got, d.Namespace+"/"+d.Name)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if list.ResourceVersion != "5" {
				t.Errorf("list resourceVersion %q, want the latest, 5", list.ResourceVersion)
			}
		})
	}
}

func TestPatch(t *testing.T) {
	tests := []struct {
		name   string
		status bool
		patch  func(d *appsv1.Deployment) client.Patch
		is     func(error) bool
		want   func(d *appsv1.Deployment) string // what is wrong with the stored object
	}{
		{"merge patch of the spec", false, func(d *appsv1.Deployment) client.Patch {
			p := client.MergeFrom(d.DeepCopy())
			d.Spec.Template.Spec.Containers[0].Image = "podinfo:6.0.1"
			return p
		}, nil, func(d *appsv1.Deployment) string {
			return check(Image(d) == "podinfo:6.0.1" && d.Generation == 2, "image %s generation %d", Image(d), d.Generation)
		}},
		{"merge patch of labels", false, func(d *appsv1.Deployment) client.Patch {
			p := client.MergeFrom(d.DeepCopy())
			d.Labels = map[string]string{"a": "b"}
			return p
		}, nil, func(d *appsv1.Deployment) string {
			return check(d.Labels["a"] == "b" && d.Generation == 1, "labels %v generation %d", d.Labels, d.Generation)
		}},
		{"patch cannot change the status", false, func(d *appsv1.Deployment) client.Patch {
			p := client.MergeFrom(d.DeepCopy())
			d.Status.Replicas = 7
			return p
		}, nil, func(d *appsv1.Deployment) string {
			return check(d.Status.Replicas == 2, "status replicas %d", d.Status.Replicas)
		}},
		{"status patch", true, func(d *appsv1.Deployment) client.Patch {
			p := client.MergeFrom(d.DeepCopy())
			d.Status.Replicas, d.Spec.Paused = 7, true
			return p
		}, nil, func(d *appsv1.Deployment) string {
			return check(d.Status.Replicas == 7 && !d.Spec.Paused, "status replicas %d paused %v", d.Status.Replicas, d.Spec.Paused)
		}},
		{"strategic merge patch", false, func(d *appsv1.Deployment) client.Patch {
			p := client.StrategicMergeFrom(d.DeepCopy())
			d.Spec.Template.Spec.Containers[0].Image = "podinfo:6.0.2"
			return p
		}, nil, func(d *appsv1.Deployment) string {
			return check(Image(d) == "podinfo:6.0.2" && len(d.Spec.Template.Spec.Containers) == 1, "containers %+v", d.Spec.Template.Spec.Containers)
		}},
		{"json patch", false, func(*appsv1.Deployment) client.Patch {
			return client.RawPatch(types.JSONPatchType, []byte(`[{"op":"replace","path":"/spec/replicas","value":5}]`))
		}, nil, func(d *appsv1.Deployment) string {
			return check(*d.Spec.Replicas == 5 && d.Generation == 2, "replicas %d generation %d", *d.Spec.Replicas, d.Generation)
		}},
		{"optimistic lock, stale", false, func(d *appsv1.Deployment) client.Patch {
			old := d.DeepCopy()
			old.ResourceVersion = "0"
			d.Labels = map[string]string{"a": "b"}
			return client.MergeFromWithOptions(old, client.MergeFromWithOptimisticLock{})
		}, apierrors.IsConflict, nil},
		{"renaming", false, func(*appsv1.Deployment) client.Patch {
			return client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"name":"other"}}`))
		}, apierrors.IsBadRequest, nil},
		{"raw merge patch: number, null removes, new object", false, func(*appsv1.Deployment) client.Patch {
			return client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"labels":{"app":null},"annotations":{"a":"b"}},"spec":{"replicas":4}}`))
		}, nil, func(d *appsv1.Deployment) string {
			return check(*d.Spec.Replicas == 4 && d.Labels["app"] == "" && len(d.Labels) == 1 && d.Annotations["a"] == "b",
				"replicas %d labels %v annotations %v", *d.Spec.Replicas, d.Labels, d.Annotations)
		}},
		{"patch that is not an object", false, func(*appsv1.Deployment) client.Patch {
			return client.RawPatch(types.MergePatchType, []byte(`[1]`))
		}, apierrors.IsBadRequest, nil},
		{"patch of the wrong type", false, func(*appsv1.Deployment) client.Patch {
			return client.RawPatch(types.MergePatchType, []byte(`{"spec":{"replicas":"two"}}`))
		}, apierrors.IsBadRequest, nil},
		{"json patch that does not apply", false, func(*appsv1.Deployment) client.Patch {
			return client.RawPatch(types.JSONPatchType, []byte(`[{"op":"remove","path":"/spec/nothing"}]`))
		}, apierrors.IsBadRequest, nil},
		{"server-side apply", false, func(*appsv1.Deployment) client.Patch {
			return client.RawPatch(types.ApplyPatchType, []byte(`{}`))
		}, isNotSupported, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t, podinfo())
			d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
			p := tc.patch(d)
			var err error
			if tc.status {
				err = s.Status().Patch(ctx, d, p)
			} else {
				err = s.Patch(ctx, d, p)
			}
			wantErr(t, err, tc.is)
			if err != nil {
				return
			}
			stored := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
			if msg := tc.want(stored); msg != "" {
				t.Error(msg)
			}
			if d.ResourceVersion != stored.ResourceVersion || d.Status.Replicas != stored.Status.Replicas {
				t.Errorf("the caller's object is not the stored one: rv %q vs %q", d.ResourceVersion, stored.ResourceVersion)
			}
		})
	}
}

func TestMergeObjects(t *testing.T) {
	tests := []struct{ doc, patch, want string }{
		{`{"a":1,"b":2}`, `{"a":3}`, `{"a":3,"b":2}`},
		{`{"a":1,"b":2}`, `{"a":null}`, `{"b":2}`},
		{`{"a":{"x":1,"y":2}}`, `{"a":{"y":null,"z":3}}`, `{"a":{"x":1,"z":3}}`},
		{`{"a":[1,2,3]}`, `{"a":[4]}`, `{"a":[4]}`},
		{`{"a":"s"}`, `{"a":{"b":null,"c":1}}`, `{"a":{"c":1}}`},
		{`{}`, `{"a":{"b":{"c":1}}}`, `{"a":{"b":{"c":1}}}`},
		{`{"a":1}`, `{}`, `{"a":1}`},
	}
	for _, tc := range tests {
		var doc, patch map[string]any
		if err := json.Unmarshal([]byte(tc.doc), &doc); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(tc.patch), &patch); err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(mergeObjects(doc, patch))
		if string(got) != tc.want {
			t.Errorf("%s + %s = %s, want %s", tc.doc, tc.patch, got, tc.want)
		}
	}
}

// check returns the formatted complaint unless ok.
func check(ok bool, format string, args ...any) string {
	if ok {
		return ""
	}
	return fmt.Sprintf(format, args...)
}

func TestPatchMissingAndCustomResources(t *testing.T) {
	s := newStore(t, canary())
	cd := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
	sm := client.StrategicMergeFrom(cd.DeepCopy())
	cd.Spec.Suspend = true
	wantErr(t, s.Patch(ctx, cd, sm), apierrors.IsUnsupportedMediaType)

	merge := client.MergeFrom(cd.DeepCopy())
	cd.Status.Phase = v1beta1.CanaryPhaseProgressing
	wantErr(t, s.Status().Patch(ctx, cd, merge), nil)
	if got := get(t, s, &v1beta1.Canary{}, "test", "podinfo"); got.Status.Phase != v1beta1.CanaryPhaseProgressing || got.Spec.Suspend {
		t.Errorf("status patch of a canary: phase %s suspend %v", got.Status.Phase, got.Spec.Suspend)
	}

	missing := canary()
	missing.Name = "nope"
	wantErr(t, s.Patch(ctx, missing, client.RawPatch(types.MergePatchType, []byte(`{}`))), apierrors.IsNotFound)
}

func TestDeepCopyIsolation(t *testing.T) {
	d := podinfo()
	s := newStore(t, d)
	d.Spec.Template.Spec.Containers[0].Image = "changed-after-add"

	got := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	got.Spec.Template.Spec.Containers[0].Image = "changed-after-get"
	got.Status.Replicas = 99

	var list appsv1.DeploymentList
	if err := s.List(ctx, &list); err != nil {
		t.Fatal(err)
	}
	list.Items[0].Spec.Template.Spec.Containers[0].Image = "changed-in-list"

	created := deployment("test", "other", "x:1", 1, nil)
	if err := s.Create(ctx, created); err != nil {
		t.Fatal(err)
	}
	created.Spec.Template.Spec.Containers[0].Image = "changed-after-create"

	upd := get(t, s, &appsv1.Deployment{}, "test", "other")
	upd.Labels = map[string]string{"a": "b"}
	if err := s.Update(ctx, upd); err != nil {
		t.Fatal(err)
	}
	upd.Labels["a"] = "changed-after-update"

	if img := Image(get(t, s, &appsv1.Deployment{}, "test", "podinfo")); img != "podinfo:6.0.0" {
		t.Errorf("podinfo's image is %q: the store shares memory with a caller", img)
	}
	other := get(t, s, &appsv1.Deployment{}, "test", "other")
	if Image(other) != "x:1" || other.Labels["a"] != "b" {
		t.Errorf("other is %s %v: the store shares memory with a caller", Image(other), other.Labels)
	}
}

func TestUnsupported(t *testing.T) {
	s := newStore(t, podinfo())
	d := podinfo()
	tests := []struct {
		name string
		call func() error
	}{
		{"watch", func() error { _, err := s.Watch(ctx, &appsv1.DeploymentList{}); return err }},
		{"delete all of", func() error { return s.DeleteAllOf(ctx, &appsv1.Deployment{}) }},
		{"apply", func() error { return s.Apply(ctx, nil) }},
		{"status apply", func() error { return s.Status().Apply(ctx, nil) }},
		{"status create", func() error { return s.Status().Create(ctx, d, &appsv1.Deployment{}) }},
		{"scale subresource", func() error { return s.SubResource("scale").Update(ctx, d) }},
		{"update dry run", func() error { return s.Update(ctx, d, client.DryRunAll) }},
		{"unstructured", func() error {
			u := &unstructured.Unstructured{}
			u.SetGroupVersionKind(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"})
			return s.Get(ctx, client.ObjectKey{Namespace: "test", Name: "podinfo"}, u)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, tc.call(), isNotSupported)
		})
	}
}

func TestStatusGet(t *testing.T) {
	s := newStore(t, canary())
	var got v1beta1.Canary
	if err := s.SubResource("status").Get(ctx, canary(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Status.Phase != v1beta1.CanaryPhaseInitialized {
		t.Errorf("phase %q", got.Status.Phase)
	}
}

func TestIntrospection(t *testing.T) {
	s := newStore(t)
	tests := []struct {
		obj        client.Object
		resource   string
		namespaced bool
	}{
		{&appsv1.Deployment{}, "deployments", true},
		{&v1beta1.Canary{}, "canaries", true},
		{&corev1.Namespace{}, "namespaces", false},
	}
	for _, tc := range tests {
		gvk, err := s.GroupVersionKindFor(tc.obj)
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			t.Fatalf("%s: %v", gvk, err)
		}
		namespaced, err := s.IsObjectNamespaced(tc.obj)
		if err != nil || m.Resource.Resource != tc.resource || namespaced != tc.namespaced ||
			(m.Scope.Name() == "namespace") != tc.namespaced {
			t.Errorf("%s: resource %s scope %s namespaced %v (%v)", gvk, m.Resource.Resource, m.Scope.Name(), namespaced, err)
		}
	}
	if s.Scheme() == nil {
		t.Error("no scheme")
	}
}

// TestConcurrentUpdates loses no write: every increment goes through a
// read, a conditional write and a retry on conflict.
func TestConcurrentUpdates(t *testing.T) {
	s := newStore(t, podinfo())
	const workers, each = 4, 50
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				for {
					var d appsv1.Deployment
					if err := s.Get(ctx, client.ObjectKey{Namespace: "test", Name: "podinfo"}, &d); err != nil {
						t.Error(err)
						return
					}
					d.Status.ObservedGeneration++
					err := s.Status().Update(ctx, &d)
					if err == nil {
						break
					}
					if !apierrors.IsConflict(err) {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if got := get(t, s, &appsv1.Deployment{}, "test", "podinfo").Status.ObservedGeneration; got != 1+workers*each {
		t.Errorf("observedGeneration %d, want %d", got, 1+workers*each)
	}
}

// TestInterceptor wraps the store for fault injection, as a later issue will.
func TestInterceptor(t *testing.T) {
	injected := errors.New("injected")
	c := interceptor.NewClient(newStore(t, podinfo()), interceptor.Funcs{
		Patch: func(context.Context, client.WithWatch, client.Object, client.Patch, ...client.PatchOption) error {
			return injected
		},
	})
	var d appsv1.Deployment
	if err := c.Get(ctx, client.ObjectKey{Namespace: "test", Name: "podinfo"}, &d); err != nil {
		t.Fatal(err)
	}
	if err := c.Patch(ctx, &d, client.MergeFrom(d.DeepCopy())); !errors.Is(err, injected) {
		t.Errorf("patch through the interceptor: %v", err)
	}
}

// TestApplier runs the engine's Kubernetes applier against the store.
func TestApplier(t *testing.T) {
	s := newStore(t, podinfo(), canary())
	c := &kube.Cluster{Client: s}
	cd := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
	steps := []struct {
		action engine.ActionKind
		check  func(t *testing.T)
	}{
		{engine.ActInitialize, func(t *testing.T) {
			p := get(t, s, &appsv1.Deployment{}, "test", "podinfo-primary")
			if p.Spec.Selector.MatchLabels["app"] != "podinfo-primary" || *p.Spec.Replicas != 2 || p.Generation != 1 {
				t.Errorf("primary: selector %v replicas %d generation %d", p.Spec.Selector.MatchLabels, *p.Spec.Replicas, p.Generation)
			}
			for _, name := range []string{"podinfo", "podinfo-primary", "podinfo-canary"} {
				get(t, s, &corev1.Service{}, "test", name)
			}
		}},
		{engine.ActInitialize, nil}, // existing objects are left alone
		{engine.ActScaleToZero, func(t *testing.T) {
			d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
			if *d.Spec.Replicas != 0 || d.Generation != 2 || d.Status.Replicas != 2 {
				t.Errorf("target: replicas %d generation %d status %d", *d.Spec.Replicas, d.Generation, d.Status.Replicas)
			}
		}},
		{engine.ActScaleFromZero, func(t *testing.T) {
			if d := get(t, s, &appsv1.Deployment{}, "test", "podinfo"); *d.Spec.Replicas != 2 || d.Generation != 3 {
				t.Errorf("target: replicas %d generation %d, want the primary's 2 and 3", *d.Spec.Replicas, d.Generation)
			}
		}},
	}
	for i, st := range steps {
		if err := c.Apply(ctx, cd, engine.Action{Kind: st.action}); err != nil {
			t.Fatalf("step %d %s: %v", i, st.action, err)
		}
		if st.check != nil {
			st.check(t)
		}
	}
	promote(t, s, c, cd)
	writeStatus(t, s, c, cd)
}

// TestAdoptedPromotionIsThePatchedOne: the engine hands the Store the
// promoted primary (AdoptUpdate) where it sends any other client the
// promotion's merge patch; the primary stored is the same either way
// (empty and missing maps alike, as the API server's JSON has them): for a
// new image, new template labels and annotations, rollout settings, and
// volumes, env and init containers.
func TestAdoptedPromotionIsThePatchedOne(t *testing.T) {
	for name, edit := range map[string]func(*appsv1.Deployment){
		"a new image": func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "podinfo:6.0.1" },
		"template labels and annotations": func(d *appsv1.Deployment) {
			d.Spec.Template.Labels = map[string]string{"app": "podinfo", "team": "web"}
			d.Spec.Template.Annotations = map[string]string{"prometheus.io/scrape": "true"}
		},
		"rollout settings": func(d *appsv1.Deployment) {
			seconds, replicas := int32(60), int32(4)
			d.Spec.ProgressDeadlineSeconds, d.Spec.MinReadySeconds, d.Spec.Replicas = &seconds, 5, &replicas
			d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
		},
		"volumes, env and init containers": func(d *appsv1.Deployment) {
			d.Spec.Template.Spec.Volumes = []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
				EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
			d.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "LEVEL", Value: "debug"}}
			d.Spec.Template.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox"}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			adopted, patched := promotedBy(t, func(s *Store) client.Client { return s }, edit),
				promotedBy(t, func(s *Store) client.Client { return struct{ client.Client }{s} }, edit)
			if !equality.Semantic.DeepEqual(adopted, patched) || kube.Revision(&adopted.Spec.Template) != kube.Revision(&patched.Spec.Template) {
				t.Errorf("adopted primary\n%+v\npatched primary\n%+v", adopted, patched)
			}
		})
	}
}

// promotedBy is the primary a promotion leaves after the target was
// edited, the engine reaching the Store through the client as.
func promotedBy(t *testing.T, as func(*Store) client.Client, edit func(*appsv1.Deployment)) *appsv1.Deployment {
	s := newStore(t, podinfo(), canary())
	c := &kube.Cluster{Client: as(s)}
	cd := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
	if err := c.Apply(ctx, cd, engine.Action{Kind: engine.ActInitialize}); err != nil {
		t.Fatal(err)
	}
	d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	edit(d)
	if err := s.Update(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ctx, cd, engine.Action{Kind: engine.ActPromote}); err != nil {
		t.Fatal(err)
	}
	return get(t, s, &appsv1.Deployment{}, "test", "podinfo-primary")
}

func promote(t *testing.T, s *Store, c *kube.Cluster, cd *v1beta1.Canary) {
	d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	d.Spec.Template.Spec.Containers[0].Image = "podinfo:6.0.1"
	if err := s.Update(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(ctx, cd, engine.Action{Kind: engine.ActPromote}); err != nil {
		t.Fatal(err)
	}
	p := get(t, s, &appsv1.Deployment{}, "test", "podinfo-primary")
	if Image(p) != "podinfo:6.0.1" || p.Spec.Template.Labels["app"] != "podinfo-primary" || p.Generation != 2 {
		t.Errorf("promoted primary: image %s labels %v generation %d", Image(p), p.Spec.Template.Labels, p.Generation)
	}
}

func writeStatus(t *testing.T, s *Store, c *kube.Cluster, cd *v1beta1.Canary) {
	st := cd.Status
	st.Phase, st.Iterations = v1beta1.CanaryPhaseProgressing, 1
	if err := c.WriteStatus(ctx, cd, st); err != nil {
		t.Fatal(err)
	}
	got := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
	if got.Status.Phase != v1beta1.CanaryPhaseProgressing || got.Status.Iterations != 1 || cd.ResourceVersion != got.ResourceVersion {
		t.Errorf("status %+v rv %q (caller %q)", got.Status, got.ResourceVersion, cd.ResourceVersion)
	}
	stale := cd.DeepCopy()
	stale.ResourceVersion = "1"
	if err := c.WriteStatus(ctx, stale, v1beta1.CanaryStatus{Phase: v1beta1.CanaryPhaseFailed}); !apierrors.IsConflict(err) {
		t.Errorf("a stale status write: %v", err)
	}
	if stale.Status.Phase != v1beta1.CanaryPhaseProgressing {
		t.Errorf("WriteStatus keeps the caller's status on failure, got %s", stale.Status.Phase)
	}
}

// TestSecretStringData: like the API server, the store folds stringData
// into data on every write.
func TestSecretStringData(t *testing.T) {
	scheme, err := Scheme()
	if err != nil {
		t.Fatal(err)
	}
	c := NewMemory(scheme)
	ctx := context.Background()
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "auth", Namespace: "test"}, StringData: map[string]string{"token": "t"}}
	if err := c.Create(ctx, sec); err != nil {
		t.Fatal(err)
	}
	var got corev1.Secret
	if err := c.Get(ctx, client.ObjectKeyFromObject(sec), &got); err != nil {
		t.Fatal(err)
	}
	if string(got.Data["token"]) != "t" || len(got.StringData) != 0 {
		t.Errorf("stored secret: data %v, stringData %v", got.Data, got.StringData)
	}
}

// TestStatusUpdateCopiesTheStatus: a status write copies only the status,
// but what the caller changes in it afterwards stays out of the store.
func TestStatusUpdateCopiesTheStatus(t *testing.T) {
	s := newStore(t, podinfo())
	d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	sent := d.DeepCopy()
	sent.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}}
	if err := s.Status().Update(ctx, sent); err != nil {
		t.Fatal(err)
	}
	sent.Status.Conditions[0].Status = corev1.ConditionFalse
	got := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	if len(got.Status.Conditions) != 1 || got.Status.Conditions[0].Status != corev1.ConditionTrue {
		t.Errorf("stored conditions %+v: the store shares the status with a caller", got.Status.Conditions)
	}
}

// TestWriteStatus: the status lands as Status().Update lands it, with a
// new resourceVersion and the same generation; the sent object is then
// what is stored, itself, and only its status is written, not what else it
// changed; a stale write is a Conflict and stores nothing.
func TestWriteStatus(t *testing.T) {
	s := newStore(t, podinfo())
	d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	sent := d.DeepCopy()
	sent.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue}}
	if err := s.WriteStatus(sent); err != nil {
		t.Fatal(err)
	}
	if lent, err := s.Lend(client.ObjectKeyFromObject(d), d); lent != sent || err != nil {
		t.Errorf("stored %p (%v), want the sent object %p", lent, err, sent)
	}
	got := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	if got.ResourceVersion == d.ResourceVersion || got.Generation != d.Generation || len(got.Status.Conditions) != 1 {
		t.Errorf("resourceVersion %s → %s, generation %d → %d, conditions %+v", d.ResourceVersion, got.ResourceVersion, d.Generation, got.Generation, got.Status.Conditions)
	}
	edited := got.DeepCopy()
	edited.Spec.Template.Spec.Containers[0].Image = "podinfo:6.0.1"
	edited.Labels = map[string]string{"changed": "yes"}
	edited.Status.Replicas = 7
	if err := s.WriteStatus(edited); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s, &appsv1.Deployment{}, "test", "podinfo"); got.Status.Replicas != 7 || Image(got) != "podinfo:6.0.0" || got.Labels["changed"] != "" {
		t.Errorf("a status write stored status replicas %d, image %s and labels %v, want 7 and the stored podinfo:6.0.0 and labels", got.Status.Replicas, Image(got), got.Labels)
	}
	stale := d.DeepCopy()
	stale.Status.Replicas = 9
	if err := s.WriteStatus(stale); !apierrors.IsConflict(err) {
		t.Errorf("a stale status write: %v, want a conflict", err)
	}
	if got := get(t, s, &appsv1.Deployment{}, "test", "podinfo"); got.Status.Replicas != 7 {
		t.Errorf("a stale status write stored status replicas %d", got.Status.Replicas)
	}
}

// TestAdopt: an adopted object is stored itself, filled in as Create fills
// in its copy (UID, resourceVersion, generation, an empty status where the
// kind has the subresource); one whose name is taken is refused as Create
// refuses it.
func TestAdopt(t *testing.T) {
	s := newStore(t, podinfo())
	d := deployment("test", "podinfo-primary", "podinfo:6.0.0", 2, nil)
	d.UID, d.Status.Replicas = "mine", 2
	if err := s.Adopt(d); err != nil {
		t.Fatal(err)
	}
	lent, err := s.Lend(client.ObjectKeyFromObject(d), &appsv1.Deployment{})
	if err != nil || lent != d {
		t.Fatalf("Lend: %p %v, want the adopted object %p", lent, err, d)
	}
	if d.UID == "mine" || d.UID == "" || d.ResourceVersion == "" || d.Generation != 1 || d.Status.Replicas != 0 {
		t.Errorf("adopted: uid %q resourceVersion %q generation %d status %+v", d.UID, d.ResourceVersion, d.Generation, d.Status)
	}
	wantErr(t, s.Adopt(deployment("test", "podinfo", "other:1", 1, nil)), apierrors.IsAlreadyExists)
	if got := get(t, s, &appsv1.Deployment{}, "test", "podinfo"); Image(got) != "podinfo:6.0.0" {
		t.Errorf("a refused adoption replaced the stored object: image %s", Image(got))
	}
}

// TestPeek: Peek and Lend give the stored object itself, the type named
// by an object or a nil pointer; Peek says a missing one is not found,
// Lend answers NotFound as Get does.
func TestPeek(t *testing.T) {
	s := newStore(t, podinfo(), deployment("test", "a", "a:1", 1, nil), deployment("other", "b", "b:1", 1, nil))
	stored, found, err := s.Peek(client.ObjectKey{Namespace: "test", Name: "podinfo"}, &appsv1.Deployment{})
	if err != nil || !found || Image(stored.(*appsv1.Deployment)) != "podinfo:6.0.0" {
		t.Fatalf("Peek: %v %v %v", stored, found, err)
	}
	if _, found, err := s.Peek(client.ObjectKey{Namespace: "test", Name: "nope"}, &appsv1.Deployment{}); found || err != nil {
		t.Errorf("Peek of a missing object: found %v, %v", found, err)
	}
	if lent, err := s.Lend(client.ObjectKey{Namespace: "test", Name: "podinfo"}, &appsv1.Deployment{}); lent != stored || err != nil {
		t.Errorf("Lend: %p %v, want the object Peek gives, %p", lent, err, stored)
	}
	if lent, err := s.Lend(client.ObjectKey{Namespace: "test", Name: "podinfo"}, (*appsv1.Deployment)(nil)); lent != stored || err != nil {
		t.Errorf("Lend named by a nil *Deployment: %p %v, want %p", lent, err, stored)
	}
	// A kind the store has not learnt yet, named by a nil pointer alone.
	_, err = s.Lend(client.ObjectKey{Namespace: "test", Name: "podinfo"}, (*corev1.ConfigMap)(nil))
	wantErr(t, err, apierrors.IsNotFound)
	_, err = s.Lend(client.ObjectKey{Namespace: "test", Name: "nope"}, &appsv1.Deployment{})
	wantErr(t, err, apierrors.IsNotFound)
	if _, _, err := s.Peek(client.ObjectKey{Name: "x"}, &unstructured.Unstructured{}); !isNotSupported(err) {
		t.Errorf("Peek of an unstructured object: %v, want not supported", err)
	}
	for ns, want := range map[string][]string{"test": {"test/a", "test/podinfo"}, "": {"other/b", "test/a", "test/podinfo"}} {
		objs, err := s.PeekList(&appsv1.DeploymentList{}, ns)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range objs {
			got = append(got, o.GetNamespace()+"/"+o.GetName())
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("PeekList(%q) = %v, want %v (sorted as List sorts)", ns, got, want)
		}
	}
}

// TestWorkloadsLentAsRead: the engine observes the same workloads from the
// objects the Store lends it (Lend) as from copies read through a client
// that does not lend (a decorated one), before and after initialization,
// and leaves the stored objects as they were.
func TestWorkloadsLentAsRead(t *testing.T) {
	s := newStore(t, podinfo(), canary())
	lent := &kube.Cluster{Client: s}
	read := &kube.Cluster{Client: interceptor.NewClient(s, interceptor.Funcs{})}
	cd := get(t, s, &v1beta1.Canary{}, "test", "podinfo")
	for i, step := range []string{"before initialization", "after initialization"} {
		before := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
		lt, lp, lerr := lent.Workloads(ctx, cd, time.Time{})
		rt, rp, rerr := read.Workloads(ctx, cd, time.Time{})
		if lerr != nil || rerr != nil {
			t.Fatalf("%s: %v, %v", step, lerr, rerr)
		}
		if !reflect.DeepEqual(lt, rt) || !reflect.DeepEqual(lp, rp) || !lt.Exists || lp.Exists != (i == 1) {
			t.Errorf("%s: lent %+v %+v, read %+v %+v", step, lt, lp, rt, rp)
		}
		if after := get(t, s, &appsv1.Deployment{}, "test", "podinfo"); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: observing changed the stored target", step)
		}
		if err := lent.Apply(ctx, cd, engine.Action{Kind: engine.ActInitialize}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEventsExpire: an Event is gone once another is written more than
// EventTTL after its own last write; a newer write of it keeps it, an Event
// with no time stays, and a deleted Event's old write does not delete the
// new Event of the same name.
func TestEventsExpire(t *testing.T) {
	s := newStore(t)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	event := func(name string, d time.Duration) *corev1.Event {
		ev := &corev1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: "test", Name: name}, Reason: "Synced"}
		if d >= 0 {
			ev.FirstTimestamp, ev.LastTimestamp = metav1.NewTime(at.Add(d)), metav1.NewTime(at.Add(d))
		}
		return ev
	}
	create := func(ev *corev1.Event) {
		t.Helper()
		if err := s.Create(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	create(event("old", 0))
	create(event("timeless", -1))
	create(event("renewed", 0))
	create(event("recreated", 0))
	renewed := get(t, s, &corev1.Event{}, "test", "renewed")
	renewed.LastTimestamp = metav1.NewTime(at.Add(50 * time.Minute))
	if err := s.Update(ctx, renewed); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, event("recreated", 0)); err != nil {
		t.Fatal(err)
	}
	create(event("recreated", 30*time.Minute))
	create(event("at-the-hour", time.Hour)) // exactly EventTTL later: nothing expires yet
	get(t, s, &corev1.Event{}, "test", "old")
	create(event("later", time.Hour+time.Second))
	wantErr(t, s.Get(ctx, client.ObjectKey{Namespace: "test", Name: "old"}, &corev1.Event{}), apierrors.IsNotFound)
	for _, name := range []string{"timeless", "renewed", "recreated", "at-the-hour", "later"} {
		get(t, s, &corev1.Event{}, "test", name)
	}
	create(event("much-later", 3*time.Hour))
	for _, name := range []string{"renewed", "recreated", "at-the-hour", "later"} {
		wantErr(t, s.Get(ctx, client.ObjectKey{Namespace: "test", Name: name}, &corev1.Event{}), apierrors.IsNotFound)
	}
	get(t, s, &corev1.Event{}, "test", "timeless")
}

// NewMemory's stores share what they learn of a Go type, so a sweep's
// store per rehearsal does not relearn it; a store declaring other status
// subresources keeps its own, since a kind knows whether its status is a
// subresource.
func TestNewMemoryStoresShareKinds(t *testing.T) {
	scheme, err := Scheme()
	if err != nil {
		t.Fatal(err)
	}
	kindIn := func(s *Store) *kind {
		t.Helper()
		k, err := s.kindOf(&appsv1.Deployment{})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	first := kindIn(NewMemory(scheme).(*Store))
	if again := kindIn(NewMemory(scheme).(*Store)); again != first {
		t.Error("a second NewMemory store relearnt the Deployment kind")
	}
	bare, err := NewStore(scheme) // no status subresources
	if err != nil {
		t.Fatal(err)
	}
	if k := kindIn(bare); k == first || k.statusSub {
		t.Errorf("a store without status subresources took NewMemory's Deployment kind (statusSub %v)", k.statusSub)
	}
}
