// This file tests the audit of lent objects: writes that replace objects
// pass it, a borrower's change to a lent object fails it.

package memory

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func TestAuditSeesAChangeInPlace(t *testing.T) {
	s := newStore(t, deployment("test", "podinfo", "app:1", 2, nil))
	s.Audit()
	key := client.ObjectKey{Namespace: "test", Name: "podinfo"}
	var d appsv1.Deployment
	if err := s.Get(ctx, key, &d); err != nil {
		t.Fatal(err)
	}
	d.Spec.Template.Spec.Containers[0].Image = "app:2"
	if err := s.Update(ctx, &d); err != nil {
		t.Fatal(err)
	}
	patch := client.RawPatch("application/merge-patch+json", []byte(`{"spec":{"replicas":3}}`))
	if err := s.Patch(ctx, &d, patch); err != nil {
		t.Fatal(err)
	}
	if err := s.Audited(); err != nil {
		t.Fatalf("writes that replace objects: %v", err)
	}
	lent, err := s.Lend(key, &appsv1.Deployment{})
	if err != nil {
		t.Fatal(err)
	}
	lent.(*appsv1.Deployment).Spec.Template.Spec.Containers[0].Image = "app:3" // what a borrower must never do
	err = s.Audited()
	if err == nil || !strings.Contains(err.Error(), "Deployment test/podinfo at resourceVersion") {
		t.Errorf("a lent object changed in place: Audited() = %v, want it named", err)
	}
}
