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

// TestMergeTypedIsTheUnstructuredMerge: every patch the typed path takes
// gives, on the typed object, what the unstructured path gives, and leaves
// the stored object as it was.
func TestMergeTypedIsTheUnstructuredMerge(t *testing.T) {
	objs := typedObjects(t)
	for _, c := range []struct{ obj, patch string }{
		{"deployment", `{"spec":{"replicas":0}}`},
		{"deployment", `{"spec":{"replicas":null}}`},
		{"deployment", `{"spec":{"paused":true,"minReadySeconds":5,"progressDeadlineSeconds":60}}`},
		{"deployment", `{"metadata":{"resourceVersion":"1","labels":{"team":null,"tier":"gold"},"annotations":{"a":"b"}}}`},
		{"deployment", `{"metadata":{"labels":null,"deletionTimestamp":null}}`},
		{"deployment", `{"metadata":{"creationTimestamp":"2026-01-01T00:00:00Z"}}`},
		{"deployment", `{"spec":{"template":{"metadata":{"labels":{"app":"podinfo-primary"}}}}}`},
		{"deployment", `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"podinfo:6.0.1","ports":[{"containerPort":9898}],` +
			`"resources":{"limits":{"cpu":"100m"}}}]}}}}`},
		{"deployment", `{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":0}}}}`},
		{"deployment", `{"spec":{"strategy":{"type":"Recreate"}},"status":{"replicas":4,"collisionCount":2}}`},
		{"deployment", `{"spec":{"selector":{"matchLabels":{"app":"other"}}}}`},
		{"deployment", `{"apiVersion":"apps/v1","kind":"Deployment"}`},
		{"canary", `{"spec":{"skipAnalysis":true,"suspend":false}}`},
		{"canary", `{"spec":{"analysis":{"threshold":5,"stepWeight":10,"stepWeights":[1,5,20]}}}`},
		{"canary", `{"status":{"phase":"Progressing","canaryWeight":20,"failedChecks":1,"lastTransitionTime":"2026-01-01T00:00:00Z"}}`},
		{"secret", `{"stringData":{"password":"p"},"type":"Opaque"}`},
		{"secret", `{"data":{"token":"eQ==","other":null}}`},
	} {
		if !agrees(t, objs[c.obj], c.patch) {
			t.Errorf("%s %s: took the unstructured path", c.obj, c.patch)
		}
	}
}

// TestMergeTypedDeclines: what the typed path cannot decode as the
// unstructured path would is left to it; values the converter may or may
// not take agree when the typed path takes them.
func TestMergeTypedDeclines(t *testing.T) {
	objs := typedObjects(t)
	for _, c := range []struct{ obj, patch string }{
		{"deployment", `{"spec":{"unknown":1}}`},
		{"deployment", `{"spec":{}}`},
		{"deployment", `{"metadata":{"labels":{}}}`},
		{"deployment", `{"metadata":{"labels":{"a":{"b":"c"}}}}`},
		{"deployment", `{"spec":{"strategy":{"rollingUpdate":{"maxSurge":{"intVal":1}}}}}`},
		{"deployment", `{"spec":{"replicas":"3"}}`},
		{"deployment", `{"spec":{"paused":"yes"}}`},
		{"deployment", `{"spec":5}`},
	} {
		if agrees(t, objs[c.obj], c.patch) {
			t.Errorf("%s %s: took the typed path", c.obj, c.patch)
		}
	}
	for _, patch := range []string{`{"spec":{"replicas":1.5}}`, `{"spec":{"replicas":4294967296}}`,
		`{"spec":{"replicas":-1}}`, `{"metadata":{"labels":{"a":1}}}`} {
		agrees(t, objs["deployment"], patch)
	}
}

// agrees applies patch to old both ways, failing the test when the typed
// path gives another object than the unstructured one, or changes old;
// false when the typed path declines.
func agrees(t *testing.T, old client.Object, patch string) bool {
	t.Helper()
	k := kindFor(t, old)
	before := old.DeepCopyObject()
	got, ok := mergeTyped(k, old, decodedPatch(t, patch))
	if !reflect.DeepEqual(old, before) {
		t.Errorf("%s: the stored object changed:\n%s", patch, cmp.Diff(before, old))
	}
	if !ok {
		return false
	}
	want, err := k.patchUnstructured(old, decodedPatch(t, patch), types.MergePatchType)
	if err != nil {
		t.Errorf("%s: the typed path took a patch the unstructured path refuses: %v", patch, err)
	} else if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: typed and unstructured differ (-typed +unstructured):\n%s", patch, cmp.Diff(got, want))
	}
	return true
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
