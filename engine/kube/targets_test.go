// This file tests each target kind against Flagger's controllers on a fake client: DaemonSets,
// config tracking, HPA and ScaledObject copies, and Knative revisions and traffic split.

package kube

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/rehearse-dev/rehearse/engine"
	kedav1alpha1 "github.com/rehearse-dev/rehearse/engine/api/keda/v1alpha1"
	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

var ctx = context.Background()

func targetsClient(t *testing.T, objs ...client.Object) client.Client {
	t.Helper()
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, v1beta1.AddToScheme, knativev1.AddToScheme, kedav1alpha1.AddToScheme} {
		if err := add(s); err != nil {
			t.Fatal(err)
		}
	}
	return fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).
		WithStatusSubresource(&appsv1.DaemonSet{}, &knativev1.Service{}, &knativev1.Revision{}).Build()
}

func canaryOf(kind, name string, edit ...func(*v1beta1.Canary)) *v1beta1.Canary {
	cd := &v1beta1.Canary{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "test", UID: "cd-uid"},
		Spec: v1beta1.CanarySpec{TargetRef: v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: kind, Name: name},
			Service: v1beta1.CanaryService{Port: 80}}}
	for _, e := range edit {
		e(cd)
	}
	return cd
}

func get[T client.Object](t *testing.T, c client.Client, name string, obj T) T {
	t.Helper()
	if err := c.Get(ctx, client.ObjectKey{Namespace: "test", Name: name}, obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func apply(t *testing.T, c *Cluster, cd *v1beta1.Canary, kinds ...engine.ActionKind) {
	t.Helper()
	for _, k := range kinds {
		if err := c.Apply(ctx, cd, engine.Action{Kind: k}); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
}

func agent(image string) *appsv1.DaemonSet {
	labels := map[string]string{"app.kubernetes.io/name": "agent"}
	return &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "test", Labels: labels,
		Annotations: map[string]string{"kustomize.toolkit.fluxcd.io/reconcile": "enabled", "team": "edge"}},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{NodeSelector: map[string]string{"kubernetes.io/os": "linux"},
					Containers: []corev1.Container{{Name: "agent", Image: image}}}}}}
}

// TestDaemonSetRollout follows Flagger's DaemonSetController: a -primary
// copy selected by the -primary label value, a canary parked with the
// scale-to-zero node selector (not a new revision), and promotion copying
// the pod spec without that selector.
func TestDaemonSetRollout(t *testing.T) {
	c := &Cluster{Client: targetsClient(t, agent("agent:1.0"))}
	cd := canaryOf("DaemonSet", "agent")
	apply(t, c, cd, engine.ActInitialize)
	p := get(t, c.Client, "agent-primary", &appsv1.DaemonSet{})
	if p.Spec.Selector.MatchLabels["app.kubernetes.io/name"] != "agent-primary" || p.Spec.Template.Labels["app.kubernetes.io/name"] != "agent-primary" ||
		p.Spec.Template.Spec.Containers[0].Image != "agent:1.0" || p.Annotations["team"] != "edge" || len(p.OwnerReferences) != 1 {
		t.Errorf("primary: %+v", p.ObjectMeta)
	}
	if _, ok := p.Annotations["kustomize.toolkit.fluxcd.io/reconcile"]; ok {
		t.Error("Flux's annotations must not be copied to the primary")
	}
	if svc := get(t, c.Client, "agent-canary", &corev1.Service{}); svc.Spec.Selector["app.kubernetes.io/name"] != "agent" {
		t.Errorf("canary service selector %v", svc.Spec.Selector)
	}
	before := DaemonSetRevision(get(t, c.Client, "agent", &appsv1.DaemonSet{}))
	apply(t, c, cd, engine.ActScaleToZero)
	ds := get(t, c.Client, "agent", &appsv1.DaemonSet{})
	if ds.Spec.Template.Spec.NodeSelector[ScaleToZeroNodeSelector] != "true" || ds.Spec.Template.Spec.NodeSelector["kubernetes.io/os"] != "linux" {
		t.Errorf("parked canary node selector %v", ds.Spec.Template.Spec.NodeSelector)
	}
	if DaemonSetRevision(ds) != before {
		t.Error("parking the canary changed its revision")
	}
	ds.Spec.Template.Spec.Containers[0].Image = "agent:2.0"
	if err := c.Client.Update(ctx, ds); err != nil {
		t.Fatal(err)
	}
	apply(t, c, cd, engine.ActScaleFromZero, engine.ActPromote)
	if sel := get(t, c.Client, "agent", &appsv1.DaemonSet{}).Spec.Template.Spec.NodeSelector; len(sel) != 1 {
		t.Errorf("scaled-up canary node selector %v", sel)
	}
	p = get(t, c.Client, "agent-primary", &appsv1.DaemonSet{})
	if p.Spec.Template.Spec.Containers[0].Image != "agent:2.0" || p.Spec.Template.Labels["app.kubernetes.io/name"] != "agent-primary" {
		t.Errorf("promoted primary: %+v", p.Spec.Template)
	}
}

func TestDaemonSetRefusesOnDelete(t *testing.T) {
	ds := agent("agent:1.0")
	ds.Spec.UpdateStrategy.Type = appsv1.OnDeleteDaemonSetStrategyType
	c := &Cluster{Client: targetsClient(t, ds)}
	err := c.Apply(ctx, canaryOf("DaemonSet", "agent"), engine.Action{Kind: engine.ActInitialize})
	if err == nil || !strings.Contains(err.Error(), "must have RollingUpdate strategy but have OnDelete") {
		t.Errorf("initialize: %v", err)
	}
}

func TestDaemonSetReadiness(t *testing.T) {
	since := time.Date(2026, 1, 1, 0, 5, 0, 0, time.UTC)
	cd := canaryOf("DaemonSet", "agent")
	cd.Status.LastTransitionTime = metav1.NewTime(since)
	for _, tc := range []struct {
		name                        string
		generation, observed        int64
		desired, updated, available int32
		threshold                   int
		want                        engine.Readiness
		msg                         string
		bounded                     bool // the deadline counts from the Canary's last transition
	}{
		{"all available", 1, 1, 3, 3, 3, 100, engine.Ready, "", false},
		{"parked on no node", 1, 1, 0, 0, 0, 100, engine.Ready, "", false},
		{"not observed", 2, 1, 3, 3, 3, 100, engine.NotReady, "observed daemonset generation less than desired generation", false},
		{"updating", 1, 1, 3, 1, 1, 100, engine.NotReady, "1 out of 3 new pods have been updated", true},
		{"unavailable", 1, 1, 3, 3, 1, 100, engine.NotReady, "1 of 3 (readyThreshold 100%) updated pods are available", true},
		{"within the threshold", 1, 1, 4, 4, 2, 50, engine.Ready, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := agent("agent:1.0")
			ds.Generation = tc.generation
			ds.Status = appsv1.DaemonSetStatus{ObservedGeneration: tc.observed, DesiredNumberScheduled: tc.desired,
				UpdatedNumberScheduled: tc.updated, NumberAvailable: tc.available}
			w := daemonSetWorkload(cd, ds, tc.threshold)
			if w.Readiness != tc.want || !strings.Contains(w.Message, tc.msg) || w.UnavailableSince.Equal(since) != tc.bounded {
				t.Errorf("got %v %q since %v, want %v %q bounded=%v", w.Readiness, w.Message, w.UnavailableSince, tc.want, tc.msg, tc.bounded)
			}
		})
	}
}

func podinfoWithConfigs() []client.Object {
	no, yes := false, true
	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "podinfo"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "podinfo"}},
				Spec: corev1.PodSpec{
					Volumes: []corev1.Volume{
						{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "files"}}}},
						{Name: "tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "tls"}}},
						{Name: "off", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "untracked"}}}},
					},
					Containers: []corev1.Container{{Name: "podinfod", Image: "podinfo:1",
						EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "env"}}}},
						Env: []corev1.EnvVar{
							{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "token"}, Key: "t", Optional: &no}}},
							{Name: "PULL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "registry"}, Key: "k"}}},
							{Name: "EXTRA", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "missing"}, Key: "k", Optional: &yes}}},
						}}},
				}}}}
	meta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: "test"} }
	off := meta("untracked")
	off.Annotations = map[string]string{ConfigTrackingAnnotation: "disabled"}
	return []client.Object{d,
		&corev1.ConfigMap{ObjectMeta: meta("files"), Data: map[string]string{"a.txt": "a"}},
		&corev1.ConfigMap{ObjectMeta: meta("env"), Data: map[string]string{"COLOR": "blue"}},
		&corev1.ConfigMap{ObjectMeta: off, Data: map[string]string{"x": "y"}},
		&corev1.Secret{ObjectMeta: meta("tls"), Type: corev1.SecretTypeTLS, Data: map[string][]byte{"tls.crt": []byte("c")}},
		&corev1.Secret{ObjectMeta: meta("token"), Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"t": []byte("s")}},
		&corev1.Secret{ObjectMeta: meta("registry"), Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{"k": []byte("{}")}},
	}
}

// TestConfigTracking follows Flagger's ConfigTracker: volumes, envFrom and
// env references are tracked by "kind/name" with an 8-byte SHA-256 of the
// data; registry Secrets, configs annotated disabled and missing optional
// ones are not; the primary reads -primary copies.
func TestConfigTracking(t *testing.T) {
	c := &Cluster{Client: targetsClient(t, podinfoWithConfigs()...)}
	cd := canaryOf("Deployment", "podinfo")
	target, _, err := c.Workloads(ctx, cd, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"configmap/env": checksum(map[string]string{"COLOR": "blue"}), "configmap/files": checksum(map[string]string{"a.txt": "a"}),
		"secret/tls": checksum(map[string][]byte{"tls.crt": []byte("c")}), "secret/token": checksum(map[string][]byte{"t": []byte("s")})}
	if len(target.Configs) != len(want) {
		t.Fatalf("tracked %v, want the keys of %v", target.Configs, want)
	}
	for k, v := range want {
		if target.Configs[k] != v || len(v) != 16 {
			t.Errorf("%s: %q, want %q (16 hex digits)", k, target.Configs[k], v)
		}
	}
	apply(t, c, cd, engine.ActInitialize)
	if cm := get(t, c.Client, "env-primary", &corev1.ConfigMap{}); cm.Data["COLOR"] != "blue" || len(cm.OwnerReferences) != 1 {
		t.Errorf("env-primary: %+v", cm)
	}
	if s := get(t, c.Client, "tls-primary", &corev1.Secret{}); s.Type != corev1.SecretTypeTLS {
		t.Errorf("tls-primary type %s", s.Type)
	}
	spec := get(t, c.Client, "podinfo-primary", &appsv1.Deployment{}).Spec.Template.Spec
	env := spec.Containers[0].Env
	got := []string{spec.Volumes[0].ConfigMap.Name, spec.Volumes[1].Secret.SecretName, spec.Volumes[2].ConfigMap.Name,
		spec.Containers[0].EnvFrom[0].ConfigMapRef.Name, env[0].ValueFrom.SecretKeyRef.Name, env[1].ValueFrom.SecretKeyRef.Name}
	if strings.Join(got, ",") != "files-primary,tls-primary,untracked,env-primary,token-primary,registry" {
		t.Errorf("primary reads %v", got)
	}
	// A change is copied on promotion.
	cm := get(t, c.Client, "env", &corev1.ConfigMap{})
	cm.Data["COLOR"] = "red"
	if err := c.Client.Update(ctx, cm); err != nil {
		t.Fatal(err)
	}
	apply(t, c, cd, engine.ActPromote)
	if cm := get(t, c.Client, "env-primary", &corev1.ConfigMap{}); cm.Data["COLOR"] != "red" {
		t.Errorf("promotion left env-primary at %v", cm.Data)
	}
}

func TestMissingRequiredConfigIsAnError(t *testing.T) {
	objs := podinfoWithConfigs()
	c := &Cluster{Client: targetsClient(t, objs[:len(objs)-2]...)} // no token, no registry
	_, _, err := c.Workloads(ctx, canaryOf("Deployment", "podinfo"), time.Time{})
	if err == nil || !strings.Contains(err.Error(), "Secret test/registry is referenced by the pod spec of the target but does not exist") {
		t.Errorf("got %v", err)
	}
}

func int32p(n int32) *int32 { return &n }

func withAutoscaler(kind string) func(*v1beta1.Canary) {
	return func(cd *v1beta1.Canary) {
		cd.Spec.AutoscalerRef = &v1beta1.AutoscalerReference{Kind: kind, Name: "podinfo",
			PrimaryScalerReplicas: &v1beta1.ScalerReplicas{MinReplicas: int32p(3), MaxReplicas: int32p(9)}}
	}
}

func podinfoDeployment() *appsv1.Deployment {
	objs := podinfoWithConfigs()
	d := objs[0].(*appsv1.Deployment)
	d.Spec.Template.Spec = corev1.PodSpec{Containers: []corev1.Container{{Name: "podinfod", Image: "podinfo:1"}}}
	return d
}

// TestHPACopy follows Flagger's HPAReconciler: the copy scales the
// primary, with primaryScalerReplicas; it is brought back in line with the
// target's HPA outside initialization; a canary scaled from zero gets the
// HPA's minimum.
func TestHPACopy(t *testing.T) {
	hpa := &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test", Labels: map[string]string{"team": "web"}},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{MinReplicas: int32p(2), MaxReplicas: 4,
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"}}}
	c := &Cluster{Client: targetsClient(t, podinfoDeployment(), hpa)}
	cd := canaryOf("Deployment", "podinfo", withAutoscaler("HorizontalPodAutoscaler"))
	apply(t, c, cd, engine.ActInitialize, engine.ActScaleToZero, engine.ActScaleFromZero)
	p := get(t, c.Client, "podinfo-primary", &autoscalingv2.HorizontalPodAutoscaler{})
	if p.Spec.ScaleTargetRef.Name != "podinfo-primary" || p.Spec.ScaleTargetRef.Kind != "Deployment" || *p.Spec.MinReplicas != 3 ||
		p.Spec.MaxReplicas != 9 || p.Labels["team"] != "web" || len(p.OwnerReferences) != 1 {
		t.Errorf("primary HPA: %+v %+v", p.ObjectMeta, p.Spec)
	}
	if n := *get(t, c.Client, "podinfo", &appsv1.Deployment{}).Spec.Replicas; n != 2 {
		t.Errorf("canary scaled from zero to %d, want the HPA's minimum 2", n)
	}
	cd.Spec.AutoscalerRef.PrimaryScalerReplicas.MaxReplicas = int32p(12)
	apply(t, c, cd, engine.ActPromote)
	if p := get(t, c.Client, "podinfo-primary", &autoscalingv2.HorizontalPodAutoscaler{}); p.Spec.MaxReplicas != 12 {
		t.Errorf("promotion left the primary HPA at max %d", p.Spec.MaxReplicas)
	}
}

// TestScaledObjectCopy follows Flagger's ScaledObjectReconciler: the copy
// scales the primary with its query and HPA name pointed at the primary,
// and the canary's ScaledObject is paused while the canary is parked.
func TestScaledObjectCopy(t *testing.T) {
	so := &kedav1alpha1.ScaledObject{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Spec: kedav1alpha1.ScaledObjectSpec{ScaleTargetRef: &kedav1alpha1.ScaleTarget{Name: "podinfo"}, MinReplicaCount: int32p(1), MaxReplicaCount: int32p(5),
			Advanced: &kedav1alpha1.AdvancedConfig{HorizontalPodAutoscalerConfig: &kedav1alpha1.HorizontalPodAutoscalerConfig{Name: "podinfo-hpa"}},
			Triggers: []kedav1alpha1.ScaleTriggers{{Type: "prometheus", Name: "rps", Metadata: map[string]string{
				"query": `sum(rate(http_requests_total{app="podinfo-canary"}[1m])) + sum(rate(x{deployment="podinfo"}[1m]))`}}}}}
	c := &Cluster{Client: targetsClient(t, podinfoDeployment(), so)}
	cd := canaryOf("Deployment", "podinfo", withAutoscaler("ScaledObject"))
	apply(t, c, cd, engine.ActInitialize)
	p := get(t, c.Client, "podinfo-primary", &kedav1alpha1.ScaledObject{})
	if p.Spec.ScaleTargetRef.Name != "podinfo-primary" || *p.Spec.MinReplicaCount != 3 || *p.Spec.MaxReplicaCount != 9 ||
		p.Spec.Advanced.HorizontalPodAutoscalerConfig.Name != "podinfo-hpa-primary" {
		t.Errorf("primary ScaledObject: %+v", p.Spec)
	}
	if q := p.Spec.Triggers[0].Metadata["query"]; q != `sum(rate(http_requests_total{app="podinfo-primary"}[1m])) + sum(rate(x{deployment="podinfo-primary"}[1m]))` {
		t.Errorf("primary query %s", q)
	}
	if a := get(t, c.Client, "podinfo", &kedav1alpha1.ScaledObject{}).Annotations[kedav1alpha1.PausedReplicasAnnotation]; a != "0" {
		t.Errorf("canary ScaledObject paused at %q, want 0 after initialization", a)
	}
	apply(t, c, cd, engine.ActScaleFromZero)
	if _, paused := get(t, c.Client, "podinfo", &kedav1alpha1.ScaledObject{}).Annotations[kedav1alpha1.PausedReplicasAnnotation]; paused {
		t.Error("scaling the canary up must resume its ScaledObject")
	}
	cd.Spec.AutoscalerRef.PrimaryScalerQueries = map[string]string{"rps": "vector(1)"}
	if q := PrimaryScaledObjectSpec(cd, so).Triggers[0].Metadata["query"]; q != "vector(1)" {
		t.Errorf("primaryScalerQueries: query %s", q)
	}
}

func knativeService() *knativev1.Service {
	return &knativev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "hello", Namespace: "test"},
		Status: knativev1.ServiceStatus{LatestCreatedRevisionName: "hello-00001"}}
}

func revision(name string, ready corev1.ConditionStatus) *knativev1.Revision {
	return &knativev1.Revision{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "test"},
		Status: knativev1.RevisionStatus{Conditions: []knativev1.Condition{{Type: knativev1.ConditionReady, Status: ready}}}}
}

// TestKnativeRollout follows Flagger's KnativeController and router: the
// latest created revision is the canary, the annotated one the primary,
// and the Service's traffic targets hold the split.
func TestKnativeRollout(t *testing.T) {
	c := &Cluster{Client: targetsClient(t, knativeService(), revision("hello-00001", corev1.ConditionTrue), revision("hello-00002", corev1.ConditionFalse))}
	cd := canaryOf("Service", "hello", func(cd *v1beta1.Canary) {
		cd.Spec.TargetRef.APIVersion, cd.Spec.Provider = v1beta1.KnativeServiceAPIVersion, v1beta1.KnativeProvider
	})
	router := KnativeRouter{Client: c.Client}
	if r, err := router.Routes(ctx, cd); err != nil || r.Primary != 100 {
		t.Errorf("before initialization: %+v %v, want all on the primary", r, err)
	}
	apply(t, c, cd, engine.ActInitialize)
	svc := get(t, c.Client, "hello", &knativev1.Service{})
	if svc.Annotations[knativev1.PrimaryRevisionAnnotation] != "hello-00001" || len(svc.Spec.Traffic) != 2 ||
		*svc.Spec.Traffic[0].LatestRevision != true || *svc.Spec.Traffic[1].Percent != 100 || svc.Spec.Traffic[1].RevisionName != "hello-00001" {
		t.Fatalf("initialized Service: %+v %+v", svc.Annotations, svc.Spec.Traffic)
	}
	svc.Status.LatestCreatedRevisionName = "hello-00002"
	if err := c.Client.Status().Update(ctx, svc); err != nil {
		t.Fatal(err)
	}
	target, primary, err := c.Workloads(ctx, cd, time.Time{})
	if err != nil || target.Readiness != engine.NotReady || !primary.Exists || primary.Readiness != engine.Ready ||
		!target.UnavailableSince.IsZero() || target.Revision == primary.Revision {
		t.Errorf("workloads: target %+v primary %+v (%v); a revision that is not ready is retried for ever", target, primary, err)
	}
	if err := router.SetRoutes(ctx, cd, engine.Routes{Primary: 70, Canary: 30}); err != nil {
		t.Fatal(err)
	}
	svc = get(t, c.Client, "hello", &knativev1.Service{})
	svc.Status.ObservedGeneration, svc.Status.Traffic = svc.Generation, svc.Spec.Traffic // Knative caught up
	svc.Status.Traffic[0].RevisionName = "hello-00001"                                   // the latest ready one
	if err := c.Client.Status().Update(ctx, svc); err != nil {
		t.Fatal(err)
	}
	if r, err := router.Routes(ctx, cd); err != nil || r.Primary != 70 || r.Canary != 30 {
		t.Errorf("routes %+v %v, want 70/30", r, err)
	}
	apply(t, c, cd, engine.ActPromote)
	if a := get(t, c.Client, "hello", &knativev1.Service{}).Annotations[knativev1.PrimaryRevisionAnnotation]; a != "hello-00002" {
		t.Errorf("promoted primary revision %s", a)
	}
}

func TestKnativeSplit(t *testing.T) {
	yes, no := true, false
	pct := func(n int64) *int64 { return &n }
	for _, tc := range []struct {
		name            string
		traffic         []knativev1.TrafficTarget
		primary, canary int
		err             bool
	}{
		{"analysis", []knativev1.TrafficTarget{{LatestRevision: &yes, RevisionName: "r2", Percent: pct(20)}, {LatestRevision: &no, RevisionName: "r1", Percent: pct(80)}}, 80, 20, false},
		{"primary is latest", []knativev1.TrafficTarget{{LatestRevision: &yes, RevisionName: "r1", Percent: pct(0)}, {LatestRevision: &no, RevisionName: "r1", Percent: pct(100)}}, 100, 0, false},
		{"right after promotion", []knativev1.TrafficTarget{{LatestRevision: &yes, RevisionName: "r1", Percent: pct(50)}, {LatestRevision: &no, RevisionName: "r0", Percent: pct(50)}}, 50, 50, false},
		{"no latest target", []knativev1.TrafficTarget{{RevisionName: "r1", Percent: pct(100)}}, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := splitOf(tc.traffic, "r1", "hello", "test")
			if (err != nil) != tc.err || r.Primary != tc.primary || r.Canary != tc.canary {
				t.Errorf("got %+v %v, want %d/%d err=%v", r, err, tc.primary, tc.canary, tc.err)
			}
		})
	}
}

// storeLike is a client that lends, peeks and adopts, as the embedded
// cluster's Store does, counting what it is handed to create.
type storeLike struct {
	client.Client
	adopted []string
}

func (s *storeLike) Lend(key client.ObjectKey, obj client.Object) (client.Object, error) {
	svc := &corev1.Service{}
	return svc, s.Get(ctx, key, svc)
}

func (s *storeLike) Peek(key client.ObjectKey, obj client.Object) (client.Object, bool, error) {
	svc, err := s.Lend(key, obj)
	if apierrors.IsNotFound(err) {
		return nil, false, nil
	}
	return svc, err == nil, err
}

func (s *storeLike) Adopt(obj client.Object) error {
	s.adopted = append(s.adopted, obj.GetName())
	return s.Create(ctx, obj)
}

// TestServicesCreatedOnceOnAStore: on a client that peeks and adopts, the
// Services an initializing tick finds are not built and handed over again;
// one deleted since is.
func TestServicesCreatedOnceOnAStore(t *testing.T) {
	s := &storeLike{Client: targetsClient(t, podinfoDeployment())}
	c := &Cluster{Client: s}
	cd := canaryOf("Deployment", "podinfo")
	for _, want := range [][]string{{"podinfo", "podinfo-primary", "podinfo-canary"}, nil} {
		s.adopted = nil
		if err := c.createServices(ctx, cd, "app", "podinfo"); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.adopted, want) {
			t.Errorf("adopted %q, want %q", s.adopted, want)
		}
	}
	if err := s.Delete(ctx, get(t, s, "podinfo-canary", &corev1.Service{})); err != nil {
		t.Fatal(err)
	}
	s.adopted = nil
	if err := c.createServices(ctx, cd, "app", "podinfo"); err != nil || !slices.Equal(s.adopted, []string{"podinfo-canary"}) {
		t.Errorf("after deleting the canary Service: adopted %q (%v), want it alone", s.adopted, err)
	}
	if sel := get(t, s, "podinfo", &corev1.Service{}).Spec.Selector["app"]; sel != "podinfo-primary" {
		t.Errorf("apex selects app=%s, want podinfo-primary", sel)
	}
}
