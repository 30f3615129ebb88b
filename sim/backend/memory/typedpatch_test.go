// This file tests merge patches applied to the typed object against the
// same patches applied through the unstructured form: the same object, or
// the unstructured path when the typed one cannot say.

package memory

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// normalized is obj as a server would hold it: through its unstructured
// form, so that the unstructured path changes nothing the patch leaves
// alone and the two paths can be compared field for field.
func normalized[T client.Object](t *testing.T, obj T) T {
	t.Helper()
	doc, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	out := reflect.New(reflect.TypeOf(obj).Elem()).Interface().(T)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(doc, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func decodedPatch(t *testing.T, data string) map[string]any {
	t.Helper()
	var p map[string]any
	if err := utiljson.Unmarshal([]byte(data), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func typedObjects(t *testing.T) map[string]client.Object {
	secret := &corev1.Secret{ObjectMeta: podinfo().ObjectMeta, Data: map[string][]byte{"token": []byte("x")}}
	return map[string]client.Object{"deployment": normalized(t, podinfo()), "canary": normalized(t, canary()),
		"secret": normalized(t, secret)}
}

// TestMergeTypedIsTheUnstructuredMerge: every patch that only sets plain
// fields, maps of strings or nulls gives, on the typed object, what the
// unstructured path gives, and leaves the stored object as it was.
func TestMergeTypedIsTheUnstructuredMerge(t *testing.T) {
	objs := typedObjects(t)
	for _, c := range []struct{ obj, patch string }{
		{"deployment", `{"spec":{"replicas":0}}`},
		{"deployment", `{"spec":{"replicas":null}}`},
		{"deployment", `{"spec":{"paused":true,"minReadySeconds":5,"progressDeadlineSeconds":60}}`},
		{"deployment", `{"metadata":{"resourceVersion":"1","labels":{"team":null,"tier":"gold"},"annotations":{"a":"b"}}}`},
		{"deployment", `{"metadata":{"labels":null}}`},
		{"deployment", `{"spec":{"template":{"metadata":{"labels":{"app":"podinfo-primary"}}}}}`},
		{"deployment", `{"spec":{"strategy":{"type":"Recreate"}},"status":{"replicas":4,"collisionCount":2}}`},
		{"deployment", `{"spec":{"selector":{"matchLabels":{"app":"other"}}}}`},
		{"deployment", `{"apiVersion":"apps/v1","kind":"Deployment"}`},
		{"canary", `{"spec":{"skipAnalysis":true,"suspend":false}}`},
		{"canary", `{"spec":{"analysis":{"threshold":5,"stepWeight":10}}}`},
		{"canary", `{"status":{"phase":"Progressing","canaryWeight":20,"failedChecks":1}}`},
		{"secret", `{"stringData":{"password":"p"},"type":"Opaque"}`},
	} {
		old := objs[c.obj]
		k := kindFor(t, old)
		before := old.DeepCopyObject()
		got, ok := mergeTyped(k, old, decodedPatch(t, c.patch))
		if !ok {
			t.Errorf("%s %s: took the unstructured path", c.obj, c.patch)
			continue
		}
		want, err := k.patchUnstructured(old, decodedPatch(t, c.patch), types.MergePatchType)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %s: typed and unstructured differ (-typed +unstructured):\n%s", c.obj, c.patch, cmp.Diff(got, want))
		}
		if !reflect.DeepEqual(old, before) {
			t.Errorf("%s %s: the stored object changed:\n%s", c.obj, c.patch, cmp.Diff(before, old))
		}
	}
}

// TestMergeTypedDeclines: what the typed path cannot decode as the
// unstructured path would is left to it.
func TestMergeTypedDeclines(t *testing.T) {
	objs := typedObjects(t)
	for _, c := range []struct{ obj, patch string }{
		{"deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"podinfo:6.0.1"}]}}}}`},
		{"deployment", `{"metadata":{"creationTimestamp":"2026-01-01T00:00:00Z"}}`},
		{"deployment", `{"metadata":{"deletionTimestamp":null}}`},
		{"deployment", `{"spec":{"strategy":{"rollingUpdate":{"maxSurge":"25%"}}}}`},
		{"deployment", `{"spec":{"replicas":1.5}}`},
		{"deployment", `{"spec":{"replicas":"3"}}`},
		{"deployment", `{"spec":{"replicas":4294967296}}`},
		{"deployment", `{"spec":{"unknown":1}}`},
		{"deployment", `{"spec":{}}`},
		{"deployment", `{"metadata":{"labels":{}}}`},
		{"deployment", `{"metadata":{"labels":{"a":1}}}`},
		{"deployment", `{"spec":{"paused":"yes"}}`},
		{"secret", `{"data":{"token":"eQ=="}}`},
	} {
		old := objs[c.obj]
		before := old.DeepCopyObject()
		if _, ok := mergeTyped(kindFor(t, old), old, decodedPatch(t, c.patch)); ok {
			t.Errorf("%s %s: took the typed path", c.obj, c.patch)
		}
		if !reflect.DeepEqual(old, before) {
			t.Errorf("%s %s: the stored object changed:\n%s", c.obj, c.patch, cmp.Diff(before, old))
		}
	}
}

// TestPatchedSecretKeepsStoredData: stringData folded into a patched
// Secret's data does not write into the stored Secret's map, which the
// patched one shares.
func TestPatchedSecretKeepsStoredData(t *testing.T) {
	s := newStore(t, &corev1.Secret{ObjectMeta: podinfo().ObjectMeta, Data: map[string][]byte{"token": []byte("x")}})
	stored, _, err := s.Peek(client.ObjectKey{Namespace: "test", Name: "podinfo"}, &corev1.Secret{})
	if err != nil {
		t.Fatal(err)
	}
	var sec corev1.Secret
	sec.Namespace, sec.Name = "test", "podinfo"
	if err := s.Patch(ctx, &sec, client.RawPatch(types.MergePatchType, []byte(`{"stringData":{"password":"p"}}`))); err != nil {
		t.Fatal(err)
	}
	if string(sec.Data["password"]) != "p" || len(stored.(*corev1.Secret).Data) != 1 {
		t.Errorf("patched data %v, stored data %v", sec.Data, stored.(*corev1.Secret).Data)
	}
}

func kindFor(t *testing.T, obj client.Object) *kind {
	t.Helper()
	s := newStore(t)
	k, err := s.kindOf(obj)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
