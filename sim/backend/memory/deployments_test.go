// This file tests the Deployment controller's own comparison of statuses
// against equality.Semantic, field by field, and its memo of revisions.

package memory

import (
	"reflect"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
)

// TestSameDeploymentStatusIsSemanticEquality: a change to any one field of
// a Deployment status, or of one of its conditions, is a different status
// to both comparisons, from an empty status and from a full one; the same
// instants in other locations, and no conditions against an empty list,
// are the same to both. A field added to DeploymentStatus or
// DeploymentCondition fails here until the comparison reads it.
func TestSameDeploymentStatusIsSemanticEquality(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	full := func() appsv1.DeploymentStatus {
		n, m := int32(1), int32(2)
		return appsv1.DeploymentStatus{ObservedGeneration: 3, Replicas: 2, UpdatedReplicas: 2, ReadyReplicas: 1, AvailableReplicas: 1,
			UnavailableReplicas: 1, TerminatingReplicas: &n, CollisionCount: &m,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse,
				LastUpdateTime: metav1.NewTime(at), LastTransitionTime: metav1.NewTime(at), Reason: "MinimumReplicasUnavailable", Message: "m"}}}
	}
	for name, base := range map[string]func() appsv1.DeploymentStatus{"empty": func() appsv1.DeploymentStatus { return appsv1.DeploymentStatus{} }, "full": full} {
		a := base()
		for i := range reflect.TypeFor[appsv1.DeploymentStatus]().NumField() {
			b := base()
			poke(t, reflect.ValueOf(&b).Elem().Field(i))
			differs(t, name+" status."+reflect.TypeFor[appsv1.DeploymentStatus]().Field(i).Name, a, b)
		}
	}
	a := full()
	for i := range reflect.TypeFor[appsv1.DeploymentCondition]().NumField() {
		b := full()
		poke(t, reflect.ValueOf(&b.Conditions[0]).Elem().Field(i))
		differs(t, "condition."+reflect.TypeFor[appsv1.DeploymentCondition]().Field(i).Name, a, b)
	}
	b := full()
	b.Conditions[0].LastUpdateTime = metav1.NewTime(at.In(time.FixedZone("CET", 3600)))
	empty := appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{}}
	for _, c := range [][2]appsv1.DeploymentStatus{{a, b}, {{}, empty}} {
		if !sameDeploymentStatus(&c[0], &c[1]) || !equality.Semantic.DeepEqual(c[0], c[1]) {
			t.Errorf("%+v and %+v: same %v, semantically equal %v", c[0], c[1], sameDeploymentStatus(&c[0], &c[1]), equality.Semantic.DeepEqual(c[0], c[1]))
		}
	}
}

func differs(t *testing.T, what string, a, b appsv1.DeploymentStatus) {
	t.Helper()
	if sameDeploymentStatus(&a, &b) || equality.Semantic.DeepEqual(a, b) {
		t.Errorf("a change of %s: same %v, semantically equal %v", what, sameDeploymentStatus(&a, &b), equality.Semantic.DeepEqual(a, b))
	}
}

// poke changes v to another value of its type.
func poke(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
			return
		}
		poke(t, v.Elem())
	case reflect.Slice:
		v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
	case reflect.Struct:
		tm, ok := v.Addr().Interface().(*metav1.Time)
		if !ok {
			t.Fatalf("a field of type %s: teach poke to change it", v.Type())
		}
		*tm = metav1.NewTime(tm.Add(time.Second))
	default:
		t.Fatalf("a field of kind %s: teach poke to change it", v.Kind())
	}
}

// TestRevisionOfAcrossWrites: the controller's revision of a Deployment
// stays through a scale, which leaves the pod template (its memo compares
// templates before hashing), and changes with the image.
func TestRevisionOfAcrossWrites(t *testing.T) {
	s := newStore(t, podinfo())
	c := &Controller{Client: s, Namespace: "test"}
	revision := func() string {
		d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
		stored, _, _ := s.Peek(client.ObjectKeyFromObject(d), d)
		return c.revisionOf(workloadKey{"Deployment", "podinfo"}, stored, &stored.(*appsv1.Deployment).Spec.Template)
	}
	write := func(edit func(*appsv1.Deployment)) {
		d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
		edit(d)
		if err := s.Update(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	first := revision()
	write(func(d *appsv1.Deployment) { *d.Spec.Replicas = 5 })
	if got := revision(); got != first {
		t.Errorf("a scale changed the revision: %s → %s", first, got)
	}
	write(func(d *appsv1.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "podinfo:6.0.1" })
	if got := revision(); got == first || got != kube.Revision(&get(t, s, &appsv1.Deployment{}, "test", "podinfo").Spec.Template) {
		t.Errorf("a new image: revision %s, was %s", got, first)
	}
}

// TestRevisionsSharedWithTheEngine: with Revisions set, the version of a
// workload the controller hashed is one the engine's memo answers without
// hashing again: asked with another template under the same version, it
// answers the remembered revision, not the other template's.
func TestRevisionsSharedWithTheEngine(t *testing.T) {
	s := newStore(t, podinfo())
	memo := &kube.RevisionMemo{}
	c := &Controller{Client: s, Namespace: "test", Revisions: memo}
	d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	stored, _, _ := s.Peek(client.ObjectKeyFromObject(d), d)
	tmpl := &stored.(*appsv1.Deployment).Spec.Template
	got := c.revisionOf(workloadKey{"Deployment", "podinfo"}, stored, tmpl)
	if want := kube.Revision(tmpl); got != want {
		t.Fatalf("revision %s, want %s", got, want)
	}
	other := tmpl.DeepCopy()
	other.Spec.Containers[0].Image = "podinfo:6.0.1"
	if engine := memo.Of(stored, other); engine != got {
		t.Errorf("the engine's read of the same version: revision %s, want the controller's %s (hashed again)", engine, got)
	}
}

// TestVersionsHandedOutAgain: Versions hands out the same Pods while a
// workload stays as it was, and new ones, right, once it changes; the
// Pods handed out before are left as they were.
func TestVersionsHandedOutAgain(t *testing.T) {
	s := newStore(t, podinfo())
	c := &Controller{Client: s, Namespace: "test", Behaviour: behaviours}
	cd := &v1beta1.Canary{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Spec: v1beta1.CanarySpec{TargetRef: v1beta1.LocalObjectReference{Kind: "Deployment", Name: "podinfo"}}}
	_, first, err := c.Versions(ctx, cd)
	if err != nil || first == nil {
		t.Fatalf("Versions: %v, %v", first, err)
	}
	was := *first
	if _, again, _ := c.Versions(ctx, cd); again != first {
		t.Errorf("the same workload read again: new Pods %+v, want the ones handed out", *again)
	}
	d := get(t, s, &appsv1.Deployment{}, "test", "podinfo")
	d.Spec.Template.Spec.Containers[0].Image = "podinfo:6.0.1"
	if err := s.Update(ctx, d); err != nil {
		t.Fatal(err)
	}
	_, next, _ := c.Versions(ctx, cd)
	if next == first || next.Image != "podinfo:6.0.1" || next.revision == was.revision {
		t.Errorf("after a release: %+v, want new Pods of the new image and revision", *next)
	}
	if *first != was {
		t.Errorf("the Pods handed out before the release changed: %+v, were %+v", *first, was)
	}
}
