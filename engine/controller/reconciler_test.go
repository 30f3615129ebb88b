// This file tests the reconciler on a fake client and clock: one tick per interval, a recreated
// Canary ticks at once, failures become Warning events, and the gatewayapi HTTPRoute is created.

package controller

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/runner"
)

var epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

const ns = "test"

func podinfo() *appsv1.Deployment {
	labels := map[string]string{"app": "podinfo"}
	one := int32(1)
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: ns},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "podinfo", Image: "ghcr.io/stefanprodan/podinfo:6.0.0"}}}}},
	}
}

// skipCanary is a kubernetes-provider Canary with skipAnalysis and a 10s
// interval; edit changes it.
func skipCanary(edit func(*v1beta1.Canary)) *v1beta1.Canary {
	cd := &v1beta1.Canary{
		ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: ns, UID: "uid-1"},
		Spec: v1beta1.CanarySpec{
			TargetRef:    v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"},
			Service:      v1beta1.CanaryService{Port: 9898},
			SkipAnalysis: true,
			Analysis:     &v1beta1.CanaryAnalysis{Interval: "10s", Iterations: 1},
		},
	}
	if edit != nil {
		edit(cd)
	}
	return cd
}

func newFakeClient(t *testing.T, objs ...client.Object) client.Client {
	t.Helper()
	s, err := NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	return fake.NewClientBuilder().WithScheme(s).WithStatusSubresource(&v1beta1.Canary{}).WithObjects(objs...).Build()
}

// harness is a reconciler on a fake client and a fake clock, counting ticks.
type harness struct {
	r     *CanaryReconciler
	clock *clocktesting.FakePassiveClock
	ticks int
}

func newHarness(t *testing.T, objs ...client.Object) *harness {
	h := &harness{clock: clocktesting.NewFakePassiveClock(epoch)}
	h.r = &CanaryReconciler{Client: newFakeClient(t, objs...), Clock: h.clock, MeshProvider: v1beta1.KubernetesProvider,
		OnTick: func(*v1beta1.Canary, *runner.Tick) { h.ticks++ }}
	return h
}

func (h *harness) reconcile(t *testing.T) (reconcile.Result, error) {
	t.Helper()
	return h.r.Reconcile(context.Background(), reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ns, Name: "podinfo"}})
}

func (h *harness) canary(t *testing.T) *v1beta1.Canary {
	t.Helper()
	var cd v1beta1.Canary
	if err := h.r.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "podinfo"}, &cd); err != nil {
		t.Fatal(err)
	}
	return &cd
}

func (h *harness) events(t *testing.T) []string {
	t.Helper()
	var list corev1.EventList
	if err := h.r.Client.List(context.Background(), &list); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list.Items {
		out = append(out, e.Type+": "+e.Message)
	}
	return out
}

// TestReconcileTicksOncePerInterval: a reconcile before the interval has
// passed asks to come back for the rest of it and does not tick, so watch
// events and resyncs cannot run the analysis more often than Flagger would.
func TestReconcileTicksOncePerInterval(t *testing.T) {
	h := newHarness(t, podinfo(), skipCanary(nil))
	steps := []struct {
		advance     time.Duration
		wantRequeue time.Duration
		wantTicks   int
		wantPhase   v1beta1.CanaryPhase
	}{
		{0, 10 * time.Second, 1, v1beta1.CanaryPhaseInitializing},
		{0, 10 * time.Second, 1, v1beta1.CanaryPhaseInitializing},
		{4 * time.Second, 6 * time.Second, 1, v1beta1.CanaryPhaseInitializing},
		{6 * time.Second, 10 * time.Second, 2, v1beta1.CanaryPhaseInitialized},
		{10 * time.Second, 10 * time.Second, 3, v1beta1.CanaryPhaseInitialized},
	}
	for i, s := range steps {
		h.clock.SetTime(h.clock.Now().Add(s.advance))
		res, err := h.reconcile(t)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if res.RequeueAfter != s.wantRequeue || h.ticks != s.wantTicks {
			t.Errorf("step %d: requeue after %v with %d ticks, want %v with %d", i, res.RequeueAfter, h.ticks, s.wantRequeue, s.wantTicks)
		}
		if got := h.canary(t).Status.Phase; got != s.wantPhase {
			t.Errorf("step %d: phase %q, want %q", i, got, s.wantPhase)
		}
	}
	var primary appsv1.Deployment
	if err := h.r.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "podinfo-primary"}, &primary); err != nil {
		t.Errorf("primary deployment: %v", err)
	}
}

// TestReconcileNewObjectTicksAtOnce: a Canary deleted and created again
// under the same name does not inherit the old object's schedule.
func TestReconcileNewObjectTicksAtOnce(t *testing.T) {
	h := newHarness(t, podinfo(), skipCanary(nil))
	if _, err := h.reconcile(t); err != nil {
		t.Fatal(err)
	}
	h.r.due.next(types.NamespacedName{Namespace: ns, Name: "podinfo"}, "uid-0", epoch.Add(time.Hour))
	if _, err := h.reconcile(t); err != nil || h.ticks != 2 {
		t.Errorf("%d ticks, %v; want the new object to tick at once", h.ticks, err)
	}
}

func TestReconcileMissingCanary(t *testing.T) {
	h := newHarness(t)
	h.r.due.next(types.NamespacedName{Namespace: ns, Name: "podinfo"}, "uid-1", epoch.Add(time.Hour))
	res, err := h.reconcile(t)
	if err != nil || res != (reconcile.Result{}) || h.ticks != 0 {
		t.Errorf("Reconcile = %+v, %v after %d ticks; want nothing to do", res, err, h.ticks)
	}
	if len(h.r.due.slots) != 0 {
		t.Errorf("the deleted Canary is still scheduled: %v", h.r.due.slots)
	}
}

// TestReconcileFailures: what cannot run is an error the user sees as a
// Warning event on the Canary; what may heal is retried an interval later.
func TestReconcileFailures(t *testing.T) {
	tests := []struct {
		name         string
		edit         func(*v1beta1.Canary)
		wantTerminal bool
		wantRequeue  time.Duration
		wantEvent    string
	}{
		{"provider without a router", func(cd *v1beta1.Canary) { cd.Spec.Provider = "istio" }, true, 0,
			`Warning: canary test/podinfo: provider "istio" cannot be driven on a real cluster`},
		{"gatewayapi without gatewayRefs", func(cd *v1beta1.Canary) { cd.Spec.Provider = "gatewayapi" }, false, 10 * time.Second,
			"Warning: canary test/podinfo: the gatewayapi provider needs spec.service.gatewayRefs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, podinfo(), skipCanary(tt.edit))
			res, err := h.reconcile(t)
			if terminal := errors.Is(err, reconcile.TerminalError(nil)); terminal != tt.wantTerminal || (err != nil && !terminal) {
				t.Errorf("error %v: terminal %v, want %v", err, terminal, tt.wantTerminal)
			}
			if res.RequeueAfter != tt.wantRequeue || h.ticks != 0 {
				t.Errorf("requeue after %v with %d ticks, want %v with none", res.RequeueAfter, h.ticks, tt.wantRequeue)
			}
			if ev := h.events(t); len(ev) != 1 || !strings.HasPrefix(ev[0], tt.wantEvent) {
				t.Errorf("events %q, want one starting %q", ev, tt.wantEvent)
			}
		})
	}
}

// TestReconcileGatewayAPI: the first tick of a gatewayapi Canary creates
// its HTTPRoute with all traffic on the primary, as Flagger's does.
func TestReconcileGatewayAPI(t *testing.T) {
	h := newHarness(t, podinfo(), skipCanary(func(cd *v1beta1.Canary) {
		cd.Spec.Provider = v1beta1.GatewayAPIProvider
		cd.Spec.Service.GatewayRefs = []apiextensionsv1.JSON{{Raw: []byte(`{"name":"gateway"}`)}}
	}))
	if _, err := h.reconcile(t); err != nil || h.ticks != 1 {
		t.Fatalf("%d ticks, %v", h.ticks, err)
	}
	var hr gatewayv1.HTTPRoute
	if err := h.r.Client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: "podinfo"}, &hr); err != nil {
		t.Fatalf("HTTPRoute not created: %v", err)
	}
	if b := hr.Spec.Rules[0].BackendRefs; len(b) != 2 || *b[0].Weight != 100 || *b[1].Weight != 0 {
		t.Errorf("backends %+v, want podinfo-primary 100, podinfo-canary 0", b)
	}
}

func TestReconcileNeedsClock(t *testing.T) {
	r := &CanaryReconciler{Client: newFakeClient(t)}
	_, err := r.Reconcile(context.Background(), reconcile.Request{})
	if err == nil || !strings.Contains(err.Error(), "Clock is nil") {
		t.Errorf("error %v, want one naming the missing clock", err)
	}
}
