// This file tests the targets a rehearsal plays: DaemonSets, Knative
// Services, tracked configs.

package sim

import (
	"context"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/sim/backend"
)

// rehearsed runs one scenario file on the memory backend and returns the
// world as the run left it, for what reports do not show.
func rehearsed(t *testing.T, file string) (*world, *reports.Run) {
	t.Helper()
	sc := loadScenarios(t, file)[0]
	set := settingsOf(sc, Options{})
	w, err := build(context.Background(), sc, set, backend.Memory{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.close)
	r := newReport(sc, set)
	if err := w.rehearse(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	finish(sc, r)
	if !r.Passed {
		t.Fatalf("%s did not meet its expectations: %+v", file, r.Expectations)
	}
	return w, r
}

func fetch[T client.Object](t *testing.T, w *world, name string, obj T) T {
	t.Helper()
	if err := w.cluster.client.Get(context.Background(), client.ObjectKey{Namespace: w.cluster.cd.Namespace, Name: name}, obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

const patterns = "../fixtures/patterns/"

// TestDaemonSetReleases: after a rollback the primary DaemonSet still runs
// the old image and the canary is parked on no node; after a promotion the
// primary runs the new one.
func TestDaemonSetReleases(t *testing.T) {
	for file, image := range map[string]string{
		"daemonset/bad-release.yaml":  "registry.example.com/edge/node-proxy:2.3.0",
		"daemonset/good-release.yaml": "registry.example.com/edge/node-proxy:2.4.0",
	} {
		t.Run(file, func(t *testing.T) {
			w, _ := rehearsed(t, patterns+file)
			canary := fetch(t, w, "node-proxy", &appsv1.DaemonSet{})
			if canary.Spec.Template.Spec.NodeSelector[kube.ScaleToZeroNodeSelector] != "true" || canary.Status.DesiredNumberScheduled != 0 {
				t.Errorf("canary DaemonSet not parked: selector %v, %d pods", canary.Spec.Template.Spec.NodeSelector, canary.Status.DesiredNumberScheduled)
			}
			primary := fetch(t, w, "node-proxy-primary", &appsv1.DaemonSet{})
			if got := primary.Spec.Template.Spec.Containers[0].Image; got != image || primary.Status.NumberAvailable == 0 {
				t.Errorf("primary runs %s with %d pods available, want %s", got, primary.Status.NumberAvailable, image)
			}
		})
	}
}

// TestKnativeReleases: a promotion moves the primary-revision annotation to
// the new revision and all traffic to it; a rollback keeps the old one.
func TestKnativeReleases(t *testing.T) {
	for file, primary := range map[string]string{
		"knative-no-service/good-release.yaml": "podinfo-00002",
		"knative-no-service/bad-release.yaml":  "podinfo-00001",
	} {
		t.Run(file, func(t *testing.T) {
			w, _ := rehearsed(t, patterns+file)
			svc := fetch(t, w, "podinfo", &knativev1.Service{})
			tr := svc.Status.Traffic
			if svc.Annotations[knativev1.PrimaryRevisionAnnotation] != primary || len(tr) != 2 || tr[1].RevisionName != primary || *tr[1].Percent != 100 {
				t.Errorf("annotation %s, traffic %+v: want %s with all the traffic", svc.Annotations[knativev1.PrimaryRevisionAnnotation], tr, primary)
			}
		})
	}
}

// TestTrackedConfigPromotion: the config-only release copies the new data
// to the primary's ConfigMap, which the primary's pods read.
func TestTrackedConfigPromotion(t *testing.T) {
	w, _ := rehearsed(t, patterns+"configmap-tracking/config-change.yaml")
	if cm := fetch(t, w, "podinfo-config-primary", &corev1.ConfigMap{}); cm.Data["PODINFO_UI_COLOR"] != "#ff0000" {
		t.Errorf("podinfo-config-primary holds %v, want the promoted color", cm.Data)
	}
	spec := fetch(t, w, "podinfo-primary", &appsv1.Deployment{}).Spec.Template.Spec
	c := spec.Containers[0]
	if c.EnvFrom[0].ConfigMapRef.Name != "podinfo-config-primary" || c.Env[0].ValueFrom.SecretKeyRef.Name != "podinfo-token-primary" ||
		spec.Volumes[0].ConfigMap.Name != "podinfo-static" {
		t.Errorf("primary reads %s, %s and %s; want the tracked ones' -primary copies and the untracked one itself",
			c.EnvFrom[0].ConfigMapRef.Name, c.Env[0].ValueFrom.SecretKeyRef.Name, spec.Volumes[0].ConfigMap.Name)
	}
	cd := fetch(t, w, "podinfo", w.cluster.cd.DeepCopy())
	if tc := cd.Status.TrackedConfigs; tc == nil || len(*tc) != 2 || (*tc)["configmap/podinfo-config"] == "" || (*tc)["secret/podinfo-token"] == "" {
		t.Errorf("status.trackedConfigs %v, want podinfo-config and podinfo-token", tc)
	}
}

// TestStandInsOnlyWhenRead: the stand-ins, and what they record of each
// scrape, run only for a scenario with a template they answer.
func TestStandInsOnlyWhenRead(t *testing.T) {
	template := func(provider string) *v1beta1.MetricTemplate {
		return &v1beta1.MetricTemplate{Spec: v1beta1.MetricTemplateSpec{Provider: v1beta1.MetricTemplateProvider{Type: provider}}}
	}
	tests := []struct {
		name string
		set  *manifest.Set
		want bool
	}{
		{"no manifests", nil, false},
		{"prometheus templates", &manifest.Set{MetricTemplates: []*v1beta1.MetricTemplate{template("prometheus")}}, false},
		{"a datadog template", &manifest.Set{MetricTemplates: []*v1beta1.MetricTemplate{template("prometheus"), template("datadog")}}, true},
	}
	for _, tt := range tests {
		if got := readsStandIns(tt.set); got != tt.want {
			t.Errorf("%s: readsStandIns = %t, want %t", tt.name, got, tt.want)
		}
	}
	if w, _ := rehearsed(t, "../scenarios/library/good-release.yaml"); w.metrics.api != nil {
		t.Error("good-release started the stand-ins: none of its templates is theirs")
	}
}
