// This file is the tiny fake world the trace tests step the engine against: it answers questions,
// applies decisions and prints each tick as a row.

package engine

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// world is a minimal, pure stand-in for the cluster, router, hooks and
// metrics: enough to drive Step tick by tick as Flagger's scheduler would be
// driven by its own unit-test fixture.
type world struct {
	cd      *v1beta1.Canary
	target  Workload
	primary Workload
	routes  Routes
	// hook answers a webhook by name at a tick; metric a metric by name.
	hook   func(name string, tick int) Answer
	metric func(name string, tick int) Answer
	// asked records every question's hook or metric name, tick by tick.
	asked map[int][]string
	tick  int
	// statusWeights is status.canaryWeight after each tick of run.
	statusWeights []int
}

func newWorld(cd *v1beta1.Canary) *world {
	w := &world{cd: cd, asked: map[int][]string{},
		target:  Workload{Exists: true, Revision: "rev-1"},
		primary: Workload{Exists: true, Revision: "rev-1"},
		routes:  Routes{Primary: 100},
		hook:    func(string, int) Answer { return Answer{Status: 200} },
		metric:  func(string, int) Answer { return Answer{Value: 100} },
	}
	return w
}

// initialized brings the Canary to Initialized and then releases rev-2, as
// the semantics trace assumes before tick 1.
func (w *world) initialized(t *testing.T) *world {
	t.Helper()
	for i := 0; i < 3 && w.cd.Status.Phase != v1beta1.CanaryPhaseInitialized; i++ {
		w.step(t, epoch.Add(-time.Hour))
	}
	if w.cd.Status.Phase != v1beta1.CanaryPhaseInitialized {
		t.Fatalf("canary did not initialize: phase %q", w.cd.Status.Phase)
	}
	w.target.Revision = "rev-2"
	w.asked = map[int][]string{}
	return w
}

func (w *world) now() time.Time {
	return epoch.Add(time.Duration(w.tick) * w.cd.GetAnalysisInterval())
}

// step runs one tick: Step until it asks nothing more, then applies.
func (w *world) step(t *testing.T, now time.Time) Decision {
	t.Helper()
	obs := Observations{Target: w.target, Primary: w.primary, Routes: w.routes, Answers: map[Question]Answer{}}
	for range 100 {
		before := w.cd.DeepCopy()
		d := Step(w.cd, obs, now, Options{})
		if !reflect.DeepEqual(before, w.cd) {
			t.Fatalf("Step changed the Canary it decided for:\n%+v\nwas\n%+v", w.cd.Status, before.Status)
		}
		assertSameQuestion(t, w.cd, obs, now, d)
		if d.Ask == nil {
			logTexts(d)
			w.apply(d)
			return d
		}
		if _, dup := obs.Answers[*d.Ask]; dup {
			t.Fatalf("Step asked %+v twice", *d.Ask)
		}
		obs.Answers[*d.Ask] = w.answer(*d.Ask)
	}
	t.Fatal("Step kept asking")
	return Decision{}
}

// assertSameQuestion holds NextQuestion to the question Step asked: the
// runner gathers a tick's answers with it, so every trace test checks that
// the quiet path takes Step's path.
func assertSameQuestion(t *testing.T, cd *v1beta1.Canary, obs Observations, now time.Time, d Decision) {
	t.Helper()
	q, ok := NextQuestion(cd, obs, now, Options{})
	switch {
	case ok != (d.Ask != nil):
		t.Fatalf("NextQuestion asks %v (%+v), Step asks %+v", ok, q, d.Ask)
	case ok && q != *d.Ask:
		t.Fatalf("NextQuestion asks %+v, Step asks %+v", q, *d.Ask)
	}
}

func (w *world) answer(q Question) Answer {
	a := w.cd.GetAnalysis()
	if q.Kind == AskHook {
		name := a.Webhooks[q.Index].Name
		w.asked[w.tick] = append(w.asked[w.tick], name)
		return w.hook(name, w.tick)
	}
	name := a.Metrics[q.Index].Name
	w.asked[w.tick] = append(w.asked[w.tick], name)
	return w.metric(name, w.tick)
}

func (w *world) apply(d Decision) {
	for _, a := range d.Actions {
		switch a.Kind {
		case ActSetRoutes:
			w.routes = a.Routes
		case ActPromote:
			w.primary.Revision = w.target.Revision
		}
	}
	w.cd.Status = d.Status
}

// row is one tick of a trace, as the semantics page writes it.
type row struct {
	phase                   v1beta1.CanaryPhase
	primary, canary, failed int
	iterations              int
}

func (r row) String() string {
	return fmt.Sprintf("%s %d/%d failed=%d it=%d", r.phase, r.primary, r.canary, r.failed, r.iterations)
}

// run steps n ticks after the release and returns the trace.
func (w *world) run(t *testing.T, n int) []row {
	t.Helper()
	var out []row
	for w.tick = 1; w.tick <= n; w.tick++ {
		w.step(t, w.now())
		s := w.cd.Status
		out = append(out, row{s.Phase, w.routes.Primary, w.routes.Canary, s.FailedChecks, s.Iterations})
		w.statusWeights = append(w.statusWeights, s.CanaryWeight)
	}
	return out
}

func assertTrace(t *testing.T, got, want []row) {
	t.Helper()
	var diff []string
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i].String()
		}
		if i < len(want) {
			w = want[i].String()
		}
		if g != w {
			diff = append(diff, fmt.Sprintf("tick %d: got %q, want %q", i+1, g, w))
		}
	}
	if len(diff) > 0 {
		t.Errorf("trace differs:\n%s", strings.Join(diff, "\n"))
	}
}

func ptr[T any](v T) *T { return &v }

// podinfo is the canary of Flagger's tutorials: istio, interval 1m,
// threshold 5, stepWeight 10, maxWeight 50, a success-rate and a duration
// metric, and one hook of each kind the test adds.
func podinfo(mutate ...func(*v1beta1.CanaryAnalysis)) *v1beta1.Canary {
	a := &v1beta1.CanaryAnalysis{Interval: "1m", Threshold: 5, MaxWeight: 50, StepWeight: 10,
		Metrics: []v1beta1.CanaryMetric{
			{Name: MetricSuccessRate, ThresholdRange: &v1beta1.CanaryThresholdRange{Min: ptr(99.0)}},
			{Name: MetricDuration, ThresholdRange: &v1beta1.CanaryThresholdRange{Max: ptr(500.0)}},
		}}
	for _, m := range mutate {
		m(a)
	}
	return &v1beta1.Canary{
		ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Spec: v1beta1.CanarySpec{Provider: v1beta1.IstioProvider,
			TargetRef: v1beta1.LocalObjectReference{Kind: "Deployment", Name: "podinfo"},
			Service:   v1beta1.CanaryService{Port: 9898}, Analysis: a},
	}
}

func withHooks(hooks ...v1beta1.CanaryWebhook) func(*v1beta1.CanaryAnalysis) {
	return func(a *v1beta1.CanaryAnalysis) { a.Webhooks = append(a.Webhooks, hooks...) }
}

func hook(t v1beta1.HookType, name string) v1beta1.CanaryWebhook {
	return v1beta1.CanaryWebhook{Type: t, Name: name, URL: "http://hooks/" + name}
}

const (
	Progressing      = v1beta1.CanaryPhaseProgressing
	Promoting        = v1beta1.CanaryPhasePromoting
	Finalising       = v1beta1.CanaryPhaseFinalising
	Succeeded        = v1beta1.CanaryPhaseSucceeded
	Failed           = v1beta1.CanaryPhaseFailed
	Waiting          = v1beta1.CanaryPhaseWaiting
	WaitingPromotion = v1beta1.CanaryPhaseWaitingPromotion
)
