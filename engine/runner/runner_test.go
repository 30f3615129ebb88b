// This file tests the runner against fakes: questions asked in order before one apply, a failed
// action stops the rest, and post-rollout hooks stop at the first failure.

package runner

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// fakes record what the runner did, in order.
type fakes struct {
	log      []string
	routes   engine.Routes
	failOn   engine.ActionKind
	statuses []v1beta1.CanaryStatus
	hookAns  map[string]engine.Answer
}

func (f *fakes) Workloads(context.Context, *v1beta1.Canary, time.Time) (engine.Workload, engine.Workload, error) {
	return engine.Workload{Exists: true, Revision: "b"}, engine.Workload{Exists: true, Revision: "a"}, nil
}

func (f *fakes) Apply(_ context.Context, _ *v1beta1.Canary, a engine.Action) error {
	f.log = append(f.log, "apply "+a.Kind.String())
	if a.Kind == f.failOn {
		return errors.New("boom")
	}
	return nil
}

func (f *fakes) WriteStatus(_ context.Context, cd *v1beta1.Canary, st v1beta1.CanaryStatus) error {
	f.log = append(f.log, "status "+string(st.Phase))
	f.statuses = append(f.statuses, st)
	cd.Status = st
	return nil
}

func (f *fakes) Record(_ context.Context, _ *v1beta1.Canary, events []engine.Event, _ time.Time) error {
	f.log = append(f.log, "events")
	return nil
}

func (f *fakes) Routes(context.Context, *v1beta1.Canary) (engine.Routes, error) { return f.routes, nil }

func (f *fakes) SetRoutes(_ context.Context, _ *v1beta1.Canary, r engine.Routes) error {
	f.log = append(f.log, "routes")
	f.routes = r
	return nil
}

func (f *fakes) Measure(_ context.Context, _ *v1beta1.Canary, m v1beta1.CanaryMetric, _ engine.MetricCheck, _ time.Time) engine.Answer {
	f.log = append(f.log, "measure "+m.Name)
	return engine.Answer{Value: 100}
}

func (f *fakes) Call(_ context.Context, _ *v1beta1.Canary, h v1beta1.CanaryWebhook, _ v1beta1.CanaryPhase) engine.Answer {
	f.log = append(f.log, "call "+h.Name)
	if a, ok := f.hookAns[h.Name]; ok {
		return a
	}
	return engine.Answer{Status: 200}
}

func (f *fakes) Event(_ context.Context, _ *v1beta1.Canary, h v1beta1.CanaryWebhook, e engine.Event, _ time.Time) {
	f.log = append(f.log, "event-hook "+h.Name)
}

func canary(phase v1beta1.CanaryPhase, hooks ...v1beta1.CanaryWebhook) *v1beta1.Canary {
	return &v1beta1.Canary{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Spec: v1beta1.CanarySpec{Provider: "istio", TargetRef: v1beta1.LocalObjectReference{Kind: "Deployment", Name: "podinfo"},
			Analysis: &v1beta1.CanaryAnalysis{Interval: "1m", Threshold: 2, StepWeight: 10, MaxWeight: 50,
				Metrics:  []v1beta1.CanaryMetric{{Name: "request-success-rate", ThresholdRange: &v1beta1.CanaryThresholdRange{Min: new(float64)}}},
				Webhooks: hooks}},
		Status: v1beta1.CanaryStatus{Phase: phase, LastAppliedSpec: "b", LastPromotedSpec: "a", CanaryWeight: 10}}
}

func newRunner(f *fakes) *Runner {
	return &Runner{Cluster: f, Router: f, Metrics: f, Hooks: f}
}

var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestReconcileAsksInOrderThenAppliesOnce(t *testing.T) {
	f := &fakes{routes: engine.Routes{Primary: 90, Canary: 10}}
	cd := canary(v1beta1.CanaryPhaseProgressing,
		v1beta1.CanaryWebhook{Name: "load", Type: v1beta1.RolloutHook}, v1beta1.CanaryWebhook{Name: "audit", Type: v1beta1.EventHook})
	tick, err := newRunner(f).Reconcile(context.Background(), cd, now)
	if err != nil {
		t.Fatal(err)
	}
	// Two events this tick (the hook passed, the weight advanced): each goes to the event hook.
	want := []string{"call load", "measure request-success-rate", "routes", "status Progressing", "events", "event-hook audit", "event-hook audit"}
	if !slices.Equal(f.log, want) {
		t.Errorf("log = %v\nwant  %v", f.log, want)
	}
	if tick.Routes.Canary != 20 || len(f.statuses) != 1 || f.statuses[0].CanaryWeight != 20 {
		t.Errorf("routes %+v, statuses %+v: want one status write at weight 20", tick.Routes, f.statuses)
	}
	if cd.Status.CanaryWeight != 20 {
		t.Errorf("the Canary passed in must reflect the status written")
	}
}

func TestReconcileStopsAtFailedAction(t *testing.T) {
	f := &fakes{routes: engine.Routes{Primary: 100}, failOn: engine.ActScaleFromZero}
	cd := canary(v1beta1.CanaryPhaseSucceeded)
	cd.Status.LastAppliedSpec = "a"
	tick, err := newRunner(f).Reconcile(context.Background(), cd, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.statuses) != 0 || len(tick.Errors) != 1 {
		t.Errorf("a failed action must leave the status unwritten and be reported: statuses %v, errors %v", f.statuses, tick.Errors)
	}
	if cd.Status.Phase != v1beta1.CanaryPhaseSucceeded {
		t.Errorf("phase %s: nothing should have changed", cd.Status.Phase)
	}
}

func TestPostRolloutHooksStopAtFirstFailure(t *testing.T) {
	f := &fakes{routes: engine.Routes{Primary: 100}, hookAns: map[string]engine.Answer{"first": {Status: 500, Err: "HTTP 500"}}}
	cd := canary(v1beta1.CanaryPhaseFinalising,
		v1beta1.CanaryWebhook{Name: "first", Type: v1beta1.PostRolloutHook}, v1beta1.CanaryWebhook{Name: "second", Type: v1beta1.PostRolloutHook})
	tick, err := newRunner(f).Reconcile(context.Background(), cd, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(tick.PostRollout) != 1 || tick.PostRollout[0].Passed || slices.Contains(f.log, "call second") {
		t.Errorf("post-rollout hooks: %+v, log %v: want only the first, failed", tick.PostRollout, f.log)
	}
	if tick.Decision.Status.Phase != v1beta1.CanaryPhaseSucceeded {
		t.Errorf("a failing post-rollout hook changes nothing: phase %s", tick.Decision.Status.Phase)
	}
}
