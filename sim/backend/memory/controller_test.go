// This file tests the workload controllers: Deployment conditions, DaemonSet
// status and Knative revisions.

package memory

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// behaviours: image "bad" never gets ready, "slow" after a minute.
func behaviours(image string, _ time.Time) Behaviour {
	switch image {
	case "bad":
		return Behaviour{Never: true, Reason: "CrashLoopBackOff"}
	case "slow":
		return Behaviour{ReadyAfter: time.Minute}
	}
	return Behaviour{}
}

func memoryWith(t *testing.T, objs ...client.Object) client.Client {
	t.Helper()
	scheme, err := Scheme()
	if err != nil {
		t.Fatal(err)
	}
	return NewMemory(scheme, objs...)
}

func getObj[T client.Object](t *testing.T, c client.Client, name string, obj T) T {
	t.Helper()
	if err := c.Get(ctx, client.ObjectKey{Namespace: "test", Name: name}, obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func syncAt(t *testing.T, ctl *Controller, at time.Time) {
	t.Helper()
	if err := ctl.Sync(ctx, at); err != nil {
		t.Fatal(err)
	}
}

// TestDeploymentConditions: the Available condition keeps the time the
// pods became unavailable while they stay so, and Progressing turns to
// ProgressDeadlineExceeded once the Deployment's own deadline has passed.
func TestDeploymentConditions(t *testing.T) {
	d := podinfo()
	d.Spec.Template.Spec.Containers[0].Image = "bad"
	d.Spec.ProgressDeadlineSeconds = ptr(int32(300))
	c := memoryWith(t, d)
	ctl := &Controller{Client: c, Namespace: "test", Behaviour: behaviours}
	for _, at := range []time.Duration{0, time.Minute, 5 * time.Minute} {
		syncAt(t, ctl, t0.Add(at))
		st := getObj(t, c, "podinfo", &appsv1.Deployment{}).Status
		avail := st.Conditions[0]
		if avail.Type != appsv1.DeploymentAvailable || avail.Reason != "MinimumReplicasUnavailable" || !avail.LastUpdateTime.Time.Equal(t0) {
			t.Errorf("at %s: Available %+v, want MinimumReplicasUnavailable since %s", at, avail, t0)
		}
		if st.Conditions[1].Reason != "ReplicaSetUpdated" {
			t.Errorf("at %s: Progressing %s, want ReplicaSetUpdated within the deadline", at, st.Conditions[1].Reason)
		}
	}
	if w := kube.Readiness(getObj(t, c, "podinfo", &appsv1.Deployment{}), 100); !w.UnavailableSince.Equal(t0) {
		t.Errorf("the applier reads unavailable since %v, want %v", w.UnavailableSince, t0)
	}
	syncAt(t, ctl, t0.Add(5*time.Minute+time.Second))
	if p := getObj(t, c, "podinfo", &appsv1.Deployment{}).Status.Conditions[1]; p.Reason != "ProgressDeadlineExceeded" || p.Status != corev1.ConditionFalse {
		t.Errorf("past the deadline: Progressing %+v", p)
	}
}

func ptr[T any](v T) *T { return &v }

func daemonSet(image string, nodeSelector map[string]string) *appsv1.DaemonSet {
	labels := map[string]string{"app": "agent"}
	return &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "test", Generation: 1},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{NodeSelector: nodeSelector, Containers: []corev1.Container{{Name: "agent", Image: image}}}}}}
}

// TestDaemonSetStatus: a pod on every node, none with Flagger's
// scale-to-zero selector; available once the image's pods are ready, the
// scale-up being a new rollout.
func TestDaemonSetStatus(t *testing.T) {
	c := memoryWith(t, daemonSet("slow", map[string]string{kube.ScaleToZeroNodeSelector: "true"}))
	ctl := &Controller{Client: c, Namespace: "test", Behaviour: behaviours, Kind: KindDaemonSet}
	syncAt(t, ctl, t0)
	ds := getObj(t, c, "agent", &appsv1.DaemonSet{})
	if st := ds.Status; st.DesiredNumberScheduled != 0 || st.ObservedGeneration != ds.Generation {
		t.Fatalf("parked: %+v", st)
	}
	ds.Spec.Template.Spec.NodeSelector = nil
	if err := c.Update(ctx, ds); err != nil {
		t.Fatal(err)
	}
	syncAt(t, ctl, t0.Add(time.Minute))
	ds = getObj(t, c, "agent", &appsv1.DaemonSet{})
	if st := ds.Status; st.DesiredNumberScheduled != Nodes || st.UpdatedNumberScheduled != Nodes || st.NumberAvailable != 0 {
		t.Errorf("just scaled up: %+v", st)
	}
	if w := kube.DaemonSetReadiness(ds, 100); w.Message == "" {
		t.Error("a DaemonSet with no available pod reads as ready")
	}
	syncAt(t, ctl, t0.Add(2*time.Minute))
	if st := getObj(t, c, "agent", &appsv1.DaemonSet{}).Status; st.NumberAvailable != Nodes {
		t.Errorf("a minute after the scale-up: %+v, want every pod available", st)
	}
}

func knativeCanary() *v1beta1.Canary {
	return &v1beta1.Canary{ObjectMeta: metav1.ObjectMeta{Name: "hello", Namespace: "test"},
		Spec: v1beta1.CanarySpec{Provider: v1beta1.KnativeProvider,
			TargetRef: v1beta1.LocalObjectReference{APIVersion: v1beta1.KnativeServiceAPIVersion, Kind: "Service", Name: "hello"}}}
}

// TestKnativeRevisions plays Knative's revision controller: a revision per
// template, Ready once its pods are, the latest-revision traffic going to
// the latest ready one.
func TestKnativeRevisions(t *testing.T) {
	svc := &knativev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "hello", Namespace: "test"},
		Spec: knativev1.ServiceSpec{Template: knativev1.RevisionTemplateSpec{Spec: knativev1.RevisionSpec{
			PodSpec: corev1.PodSpec{Containers: []corev1.Container{{Image: "good"}}}}}}}
	c := memoryWith(t, svc)
	ctl := &Controller{Client: c, Namespace: "test", Behaviour: behaviours, Kind: KindKnative}
	syncAt(t, ctl, t0)
	syncAt(t, ctl, t0.Add(time.Second)) // no new template: no new revision
	got := getObj(t, c, "hello", &knativev1.Service{})
	if st := got.Status; st.LatestCreatedRevisionName != "hello-00001" || st.LatestReadyRevisionName != "hello-00001" ||
		len(st.Traffic) != 1 || st.Traffic[0].RevisionName != "hello-00001" || *st.Traffic[0].Percent != 100 {
		t.Fatalf("first revision: %+v", st)
	}
	got.Spec.Template.Spec.Containers[0].Image = "slow"
	got.Spec.Traffic = kubeSplit("hello-00001", 90, 10)
	if err := c.Update(ctx, got); err != nil {
		t.Fatal(err)
	}
	syncAt(t, ctl, t0.Add(time.Minute))
	st := getObj(t, c, "hello", &knativev1.Service{}).Status
	if st.LatestCreatedRevisionName != "hello-00002" || st.LatestReadyRevisionName != "hello-00001" || st.Traffic[0].RevisionName != "hello-00001" {
		t.Errorf("new revision not ready yet: %+v (the latest-revision traffic stays on the latest ready one)", st)
	}
	if !getObj(t, c, "hello-00001", &knativev1.Revision{}).IsReady() || getObj(t, c, "hello-00002", &knativev1.Revision{}).IsReady() {
		t.Error("revision readiness")
	}
	primary, canary, err := ctl.Versions(ctx, knativeCanary())
	if err != nil || primary.Name != "hello-00001" || canary.Name != "hello-00001" {
		t.Errorf("versions %+v %+v %v: both roles are served by the ready revision", primary, canary, err)
	}
	syncAt(t, ctl, t0.Add(2*time.Minute))
	if st := getObj(t, c, "hello", &knativev1.Service{}).Status; st.LatestReadyRevisionName != "hello-00002" || st.Traffic[0].RevisionName != "hello-00002" ||
		*st.Traffic[0].Percent != 10 || st.Traffic[1].RevisionName != "hello-00001" {
		t.Errorf("once ready: %+v", st)
	}
	if _, canary, _ := ctl.Versions(ctx, knativeCanary()); canary == nil || canary.Name != "hello-00002" || canary.Image != "slow" {
		t.Errorf("canary %+v, want hello-00002 running slow", canary)
	}
}

func kubeSplit(primary string, primaryPercent, canaryPercent int64) []knativev1.TrafficTarget {
	latest := true
	return []knativev1.TrafficTarget{{LatestRevision: &latest, Percent: &canaryPercent}, {RevisionName: primary, Percent: &primaryPercent}}
}

// TestSecretTypeDefaults: like the API server, the store gives a Secret
// without a type the Opaque type, which Flagger's config tracking needs.
func TestSecretTypeDefaults(t *testing.T) {
	c := memoryWith(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "test"}})
	if got := getObj(t, c, "s", &corev1.Secret{}).Type; got != corev1.SecretTypeOpaque {
		t.Errorf("type %q, want Opaque", got)
	}
}
