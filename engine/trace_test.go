// This file tests whole rollouts tick by tick against a table of expected phases, weights and
// questions: promotion, rollback, retries, confirm-promotion gates and rollback hooks.

package engine

import (
	"reflect"
	"slices"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// These tests pin Flagger's scheduler (pkg/controller/scheduler.go,
// advanceCanary and the run* functions it calls) tick for tick, as traced in
// FLAGGER-SEMANTICS.md's "What a trace looks like".

func failFrom(name string, from int, bad Answer) func(string, int) Answer {
	return func(n string, tick int) Answer {
		if n == name && tick >= from {
			return bad
		}
		if n == MetricDuration {
			return Answer{Value: 100}
		}
		return Answer{Value: 100, Status: 200}
	}
}

func TestTraceGoodReleasePromotes(t *testing.T) {
	// advanceCanary → runCanary: weights 10…50 on ticks 2–6, promotion at 7,
	// runPromotionTrafficShift at 8, Finalising → Succeeded at 9.
	w := newWorld(podinfo()).initialized(t)
	assertTrace(t, w.run(t, 10), []row{
		{Progressing, 100, 0, 0, 0},
		{Progressing, 90, 10, 0, 0},
		{Progressing, 80, 20, 0, 0},
		{Progressing, 70, 30, 0, 0},
		{Progressing, 60, 40, 0, 0},
		{Progressing, 50, 50, 0, 0},
		{Promoting, 50, 50, 0, 0},
		{Finalising, 100, 0, 0, 0},
		{Succeeded, 100, 0, 0, 0},
		{Succeeded, 100, 0, 0, 0},
	})
	if w.primary.Revision != "rev-2" {
		t.Errorf("primary revision = %s, want rev-2 (promoted)", w.primary.Revision)
	}
	if got := w.cd.Status.LastPromotedSpec; got != "rev-2" {
		t.Errorf("lastPromotedSpec = %s, want rev-2", got)
	}
}

func TestTraceBadReleaseRollsBack(t *testing.T) {
	// The threshold is checked at the start of the tick after the
	// threshold-th failure; failedChecks never goes down.
	w := newWorld(podinfo())
	w.metric = failFrom(MetricSuccessRate, 4, Answer{Value: 90})
	w.initialized(t)
	assertTrace(t, w.run(t, 9), []row{
		{Progressing, 100, 0, 0, 0},
		{Progressing, 90, 10, 0, 0},
		{Progressing, 80, 20, 0, 0},
		{Progressing, 80, 20, 1, 0},
		{Progressing, 80, 20, 2, 0},
		{Progressing, 80, 20, 3, 0},
		{Progressing, 80, 20, 4, 0},
		{Progressing, 80, 20, 5, 0},
		{Failed, 100, 0, 0, 0},
	})
}

func TestTraceFailedChecksNeverDecrease(t *testing.T) {
	// A flapping metric: a later pass does not take a failure back.
	w := newWorld(podinfo())
	w.metric = func(n string, tick int) Answer {
		if n == MetricSuccessRate && tick%2 == 0 && tick > 2 {
			return Answer{Value: 95}
		}
		return Answer{Value: 100}
	}
	w.initialized(t)
	got := w.run(t, 8)
	want := []int{0, 0, 0, 1, 1, 2, 2, 3}
	for i, r := range got {
		if r.failed != want[i] {
			t.Errorf("tick %d: failedChecks %d, want %d", i+1, r.failed, want[i])
		}
	}
}

func TestTracePreRolloutFailureRetriesAtWeightZero(t *testing.T) {
	w := newWorld(podinfo(withHooks(hook(v1beta1.PreRolloutHook, "acceptance")), func(a *v1beta1.CanaryAnalysis) { a.Threshold = 2 }))
	w.hook = func(string, int) Answer { return Answer{Status: 500} }
	w.initialized(t)
	assertTrace(t, w.run(t, 4), []row{
		{Progressing, 100, 0, 0, 0},
		{Progressing, 100, 0, 1, 0},
		{Progressing, 100, 0, 2, 0},
		{Failed, 100, 0, 0, 0},
	})
	for tick := 2; tick <= 3; tick++ {
		if !slices.Equal(w.asked[tick], []string{"acceptance"}) {
			t.Errorf("tick %d asked %v, want only the pre-rollout hook", tick, w.asked[tick])
		}
	}
}

func TestTraceWhatEachTickAsks(t *testing.T) {
	// Tick 2 asks only pre-rollout hooks (then confirm-traffic-increase);
	// metrics and rollout hooks are first asked on tick 3, in the order
	// rollout hooks, builtin metrics; confirm-traffic-increase is asked again
	// at promotion.
	w := newWorld(podinfo(withHooks(
		hook(v1beta1.PreRolloutHook, "pre"), hook(v1beta1.RolloutHook, "load"),
		hook(v1beta1.ConfirmTrafficIncreaseHook, "cti"), hook(v1beta1.ConfirmPromotionHook, "cp"),
		hook(v1beta1.PostRolloutHook, "post"))))
	w.initialized(t)
	w.run(t, 9)
	want := map[int][]string{
		2: {"pre", "cti"},
		3: {"load", MetricSuccessRate, MetricDuration, "cti"},
		7: {"load", MetricSuccessRate, MetricDuration, "cti", "cp"},
	}
	for tick, names := range want {
		if !slices.Equal(w.asked[tick], names) {
			t.Errorf("tick %d asked %v, want %v", tick, w.asked[tick], names)
		}
	}
	if len(w.asked[1]) != 0 || len(w.asked[8]) != 0 {
		t.Errorf("ticks 1 and 8 should ask nothing, asked %v and %v", w.asked[1], w.asked[8])
	}
}

func TestTraceStopsAtFirstFailure(t *testing.T) {
	// runAnalysis: a failing rollout hook means no metric is queried.
	w := newWorld(podinfo(withHooks(hook(v1beta1.RolloutHook, "load"))))
	w.hook = failFrom("load", 3, Answer{Status: 503})
	w.initialized(t)
	w.run(t, 3)
	if !slices.Equal(w.asked[3], []string{"load"}) {
		t.Errorf("tick 3 asked %v, want only the failing rollout hook", w.asked[3])
	}
	if w.cd.Status.FailedChecks != 1 {
		t.Errorf("failedChecks = %d, want 1", w.cd.Status.FailedChecks)
	}
}

func TestTraceConfirmPromotionClosed(t *testing.T) {
	// runConfirmPromotionHooks: WaitingPromotion, status weight 0 and
	// iterations -1, routes held at max, analysis still running.
	w := newWorld(podinfo(withHooks(hook(v1beta1.ConfirmPromotionHook, "gate"))))
	w.hook = func(n string, tick int) Answer {
		if tick >= 12 {
			return Answer{Status: 200}
		}
		return Answer{Status: 403}
	}
	w.metric = failFrom(MetricSuccessRate, 100, Answer{})
	w.initialized(t)
	got := w.run(t, 15)
	for _, tick := range []int{7, 8, 11} {
		r := got[tick-1]
		if r.phase != WaitingPromotion || r.canary != 50 || r.iterations != -1 {
			t.Errorf("tick %d: %v, want WaitingPromotion at 50/50 with iterations -1", tick, r)
		}
		if sw := w.statusWeights[tick-1]; sw != 0 {
			t.Errorf("tick %d: status weight %d, want 0 in WaitingPromotion (the router keeps 50)", tick, sw)
		}
	}
	if got[11].phase != Promoting || got[13].phase != Succeeded {
		t.Errorf("after the gate opens at tick 12: %v, %v, want Promoting then Succeeded", got[11], got[13])
	}
	if !slices.Contains(w.asked[9], MetricSuccessRate) {
		t.Errorf("analysis should keep running while WaitingPromotion, tick 9 asked %v", w.asked[9])
	}
}

func TestTraceWaitingPromotionStillRollsBack(t *testing.T) {
	w := newWorld(podinfo(withHooks(hook(v1beta1.ConfirmPromotionHook, "gate")), func(a *v1beta1.CanaryAnalysis) { a.Threshold = 2 }))
	w.hook = func(string, int) Answer { return Answer{Status: 403} }
	w.metric = failFrom(MetricSuccessRate, 8, Answer{NoValues: true})
	w.initialized(t)
	got := w.run(t, 10)
	if got[9].phase != Failed {
		t.Errorf("tick 10: %v, want Failed (two failures while WaitingPromotion)", got[9])
	}
}

func TestTraceRollbackHook(t *testing.T) {
	// runRollbackHooks: asked every tick from tick 2 while Progressing; a
	// 2xx rolls back on that same tick.
	w := newWorld(podinfo(withHooks(hook(v1beta1.RollbackHook, "rollback"))))
	w.hook = func(_ string, tick int) Answer {
		if tick == 4 {
			return Answer{Status: 200}
		}
		return Answer{Status: 403}
	}
	w.initialized(t)
	got := w.run(t, 4)
	if got[3].phase != Failed || got[3].canary != 0 {
		t.Errorf("tick 4: %v, want Failed at 100/0", got[3])
	}
	for tick := 2; tick <= 4; tick++ {
		if !slices.Contains(w.asked[tick], "rollback") {
			t.Errorf("tick %d did not ask the rollback hook", tick)
		}
	}
	if slices.Contains(w.asked[1], "rollback") {
		t.Errorf("tick 1 (revision detection) must not ask rollback hooks")
	}
}

func TestTraceConfirmRolloutClosedWaits(t *testing.T) {
	// runConfirmRolloutHooks: Waiting, and rollback hooks are never asked
	// while Waiting (checkCanaryStatus returns first).
	w := newWorld(podinfo(withHooks(hook(v1beta1.ConfirmRolloutHook, "approve"), hook(v1beta1.RollbackHook, "rb"))))
	w.hook = func(n string, tick int) Answer {
		if n == "approve" && tick >= 4 {
			return Answer{Status: 200}
		}
		return Answer{Status: 403}
	}
	w.initialized(t)
	got := w.run(t, 6)
	for tick := 1; tick <= 3; tick++ {
		if got[tick-1].phase != Waiting {
			t.Errorf("tick %d: %v, want Waiting", tick, got[tick-1])
		}
		if slices.Contains(w.asked[tick], "rb") {
			t.Errorf("tick %d asked the rollback hook while Waiting", tick)
		}
	}
	if got[3].phase != Progressing || got[4].canary != 10 {
		t.Errorf("after approval: %v then %v, want Progressing then weight 10", got[3], got[4])
	}
}

func TestTraceBlueGreen(t *testing.T) {
	// runBlueGreen with iterations 5 on a mesh provider.
	w := newWorld(podinfo(func(a *v1beta1.CanaryAnalysis) { a.Iterations, a.StepWeight, a.MaxWeight = 5, 0, 0 }))
	w.initialized(t)
	assertTrace(t, w.run(t, 10), []row{
		{Progressing, 100, 0, 0, 0},
		{Progressing, 100, 0, 0, 1},
		{Progressing, 100, 0, 0, 2},
		{Progressing, 100, 0, 0, 3},
		{Progressing, 100, 0, 0, 4},
		{Progressing, 100, 0, 0, 5},
		{Progressing, 0, 100, 0, 6},
		{Promoting, 0, 100, 0, 6},
		{Finalising, 100, 0, 0, 0},
		{Succeeded, 100, 0, 0, 0},
	})
}

func TestTraceABTesting(t *testing.T) {
	// runAB with iterations 5: Promoting on 7, Succeeded on 9.
	w := newWorld(podinfo(func(a *v1beta1.CanaryAnalysis) {
		a.Iterations, a.StepWeight, a.MaxWeight = 5, 0, 0
		a.Match = []v1beta1.HTTPMatchRequest{{Headers: map[string]v1beta1.StringMatch{"x-canary": {Exact: "insider"}}}}
	}))
	w.initialized(t)
	assertTrace(t, w.run(t, 9), []row{
		{Progressing, 100, 0, 0, 0},
		{Progressing, 0, 100, 0, 1},
		{Progressing, 0, 100, 0, 2},
		{Progressing, 0, 100, 0, 3},
		{Progressing, 0, 100, 0, 4},
		{Progressing, 0, 100, 0, 5},
		{Promoting, 0, 100, 0, 5},
		{Finalising, 100, 0, 0, 0},
		{Succeeded, 100, 0, 0, 0},
	})
}

func TestTraceSkipAnalysis(t *testing.T) {
	// shouldSkipAnalysis: Succeeded on tick 2, no metric queried.
	cd := podinfo()
	cd.Spec.SkipAnalysis = true
	w := newWorld(cd).initialized(t)
	got := w.run(t, 2)
	if got[0].phase != Progressing || got[1].phase != Succeeded {
		t.Errorf("got %v, want Progressing then Succeeded", got)
	}
	if len(w.asked[2]) != 0 {
		t.Errorf("skipAnalysis asked %v", w.asked[2])
	}
	if w.primary.Revision != "rev-2" {
		t.Errorf("skipAnalysis must promote")
	}
}

func TestTraceNewRevisionMidAnalysis(t *testing.T) {
	// hasCanaryRevisionChanged: that tick resets to weight 0 (routes 100/0);
	// the next tick steps straight to the first weight.
	w := newWorld(podinfo()).initialized(t)
	w.run(t, 4)
	w.target.Revision = "rev-3"
	w.tick = 5
	w.step(t, w.now())
	if w.cd.Status.Phase != Progressing || w.routes.Canary != 0 || w.cd.Status.LastAppliedSpec != "rev-3" {
		t.Fatalf("restart tick: %+v %+v", w.cd.Status, w.routes)
	}
	w.tick = 6
	w.step(t, w.now())
	if w.routes.Canary != 10 {
		t.Errorf("tick after restart: canary weight %d, want 10", w.routes.Canary)
	}
}

func TestTraceCanaryNotReady(t *testing.T) {
	w := newWorld(podinfo()).initialized(t)
	w.run(t, 2)
	w.target.Readiness, w.target.Message = NotReady, "0 of 1 updated replicas are available"
	w.target.UnavailableSince = w.now()
	w.tick = 3
	w.step(t, w.now())
	if w.cd.Status.Phase != Progressing || w.cd.Status.FailedChecks != 0 {
		t.Errorf("not ready within the deadline: %+v, want no change and no failed check", w.cd.Status)
	}
	w.tick = 3 + 11 // 11 minutes later: past the 600s deadline
	w.step(t, w.now())
	if w.cd.Status.Phase != Failed {
		t.Errorf("not ready past the deadline: phase %s, want Failed", w.cd.Status.Phase)
	}
}

func TestTraceProgressDeadlineExceededRollsBackAtOnce(t *testing.T) {
	w := newWorld(podinfo()).initialized(t)
	w.run(t, 1)
	w.target.Readiness, w.target.Message = DeadlineExceeded, `deployment "podinfo" exceeded its progress deadline`
	w.tick = 2
	d := w.step(t, w.now())
	if w.cd.Status.Phase != Failed {
		t.Errorf("phase %s, want Failed", w.cd.Status.Phase)
	}
	want := []Alert{{Message: `Progress deadline exceeded deployment "podinfo" exceeded its progress deadline`, Severity: v1beta1.SeverityError}}
	if !reflect.DeepEqual(d.Alerts, want) {
		t.Errorf("alerts %+v, want Flagger's progress-deadline alert %+v", d.Alerts, want)
	}
}

func TestTraceStepWeights(t *testing.T) {
	w := newWorld(podinfo(func(a *v1beta1.CanaryAnalysis) { a.StepWeight, a.MaxWeight, a.StepWeights = 0, 0, []int{1, 5, 25, 50} })).initialized(t)
	got := w.run(t, 8)
	weights := []int{0, 1, 5, 25, 50, 50, 0, 0}
	for i, r := range got {
		if r.canary != weights[i] {
			t.Errorf("tick %d: canary %d, want %d", i+1, r.canary, weights[i])
		}
	}
	if got[5].phase != Promoting || got[7].phase != Succeeded {
		t.Errorf("got %v", got)
	}
}

func TestTraceStepWeightPromotion(t *testing.T) {
	w := newWorld(podinfo(func(a *v1beta1.CanaryAnalysis) { a.StepWeightPromotion = 20 })).initialized(t)
	got := w.run(t, 12)
	want := []row{
		{Promoting, 50, 50, 0, 0},
		{Promoting, 70, 30, 0, 0},
		{Promoting, 90, 10, 0, 0},
		{Finalising, 100, 0, 0, 0},
		{Succeeded, 100, 0, 0, 0},
	}
	assertTrace(t, got[6:11], want)
	if got[7].canary != 30 || w.cd.Status.CanaryWeight != 0 {
		t.Errorf("status weight follows the canary while Promoting, zero once Succeeded")
	}
}

func TestTraceMirrorFirstStep(t *testing.T) {
	w := newWorld(podinfo(func(a *v1beta1.CanaryAnalysis) { a.Mirror = true })).initialized(t)
	w.run(t, 3)
	if w.routes != (Routes{Primary: 90, Canary: 10}) {
		t.Errorf("after mirror step: %+v, want 90/10 unmirrored", w.routes)
	}
	w2 := newWorld(podinfo(func(a *v1beta1.CanaryAnalysis) { a.Mirror = true })).initialized(t)
	w2.run(t, 2)
	if w2.routes != (Routes{Primary: 100, Mirrored: true}) {
		t.Errorf("tick 2: %+v, want 100/0 mirrored", w2.routes)
	}
}

func TestTraceKubernetesProviderIsBlueGreen(t *testing.T) {
	// The kubernetes provider cannot shift traffic: 10 iterations, A/B
	// matches dropped, promotion goes straight to Finalising.
	cd := podinfo(func(a *v1beta1.CanaryAnalysis) {
		a.Match = []v1beta1.HTTPMatchRequest{{Headers: map[string]v1beta1.StringMatch{"x": {Exact: "y"}}}}
	})
	cd.Spec.Provider = v1beta1.KubernetesProvider
	w := newWorld(cd).initialized(t)
	got := w.run(t, 15)
	if got[10].iterations != 10 || got[11].iterations != 11 || got[12].phase != Promoting {
		t.Errorf("got %v", got[9:14])
	}
	if got[13].phase != Finalising || got[14].phase != Succeeded {
		t.Errorf("got %v, want Finalising then Succeeded", got[13:])
	}
	for _, r := range got {
		if r.canary != 0 {
			t.Errorf("kubernetes provider never shifts weight, got %v", r)
		}
	}
}

func TestTraceSuspended(t *testing.T) {
	w := newWorld(podinfo()).initialized(t)
	w.cd.Spec.Suspend = true
	got := w.run(t, 3)
	for _, r := range got {
		if r.phase != v1beta1.CanaryPhaseInitialized {
			t.Errorf("suspended canary moved: %v", r)
		}
	}
}

func TestTraceInitialization(t *testing.T) {
	w := newWorld(podinfo())
	w.primary = Workload{}
	d := w.step(t, epoch)
	if w.cd.Status.Phase != v1beta1.CanaryPhaseInitializing || d.Actions[0].Kind != ActInitialize {
		t.Fatalf("first sight: %s %v", w.cd.Status.Phase, d.Actions)
	}
	w.primary = Workload{Exists: true, Readiness: NotReady, Message: "0/1"}
	w.step(t, epoch)
	if w.cd.Status.Phase != v1beta1.CanaryPhaseInitializing {
		t.Fatalf("primary not ready: %s", w.cd.Status.Phase)
	}
	w.primary.Readiness = Ready
	d = w.step(t, epoch)
	st := w.cd.Status
	if st.Phase != v1beta1.CanaryPhaseInitialized || st.LastAppliedSpec != "rev-1" || st.LastPromotedSpec != "rev-1" {
		t.Errorf("initialized: %+v", st)
	}
	if !slices.ContainsFunc(d.Actions, func(a Action) bool { return a.Kind == ActScaleToZero }) {
		t.Errorf("initialization must scale the canary to zero: %v", d.Actions)
	}
	if len(st.Conditions) != 1 || st.Conditions[0].Status != "True" {
		t.Errorf("Promoted condition: %+v", st.Conditions)
	}
}

func TestTracePostRolloutHooksOnFinalTick(t *testing.T) {
	w := newWorld(podinfo(withHooks(hook(v1beta1.PostRolloutHook, "post")))).initialized(t)
	var last Decision
	for w.tick = 1; w.tick <= 9; w.tick++ {
		last = w.step(t, w.now())
	}
	if !slices.Contains(last.Actions, Action{Kind: ActPostRolloutHooks, Phase: Succeeded}) {
		t.Errorf("Succeeded tick actions %v lack post-rollout hooks", last.Actions)
	}
}

func TestTracePrimaryLostDuringPromotion(t *testing.T) {
	// handleFailedPromotion: the primary cannot become ready past its
	// deadline while Promoting, so traffic stays with the canary.
	w := newWorld(podinfo()).initialized(t)
	w.run(t, 7)
	w.primary.Readiness = DeadlineExceeded
	w.tick = 8
	w.step(t, w.now())
	if w.cd.Status.Phase != Failed || w.routes.Canary != 100 || w.cd.Status.CanaryWeight != 100 {
		t.Errorf("got %+v routes %+v, want Failed with all traffic on the canary", w.cd.Status, w.routes)
	}
}

func TestTraceConfirmTrafficIncreaseHaltsWithoutFailure(t *testing.T) {
	// runConfirmTrafficIncreaseHooks: a closed gate holds the weight and
	// counts no failed check; the analysis still runs.
	w := newWorld(podinfo(withHooks(hook(v1beta1.ConfirmTrafficIncreaseHook, "cti"))))
	w.hook = func(_ string, tick int) Answer {
		if tick >= 3 && tick <= 5 {
			return Answer{Status: 403}
		}
		return Answer{Status: 200}
	}
	w.initialized(t)
	got := w.run(t, 7)
	for tick := 3; tick <= 5; tick++ {
		if r := got[tick-1]; r.canary != 10 || r.failed != 0 || r.phase != Progressing {
			t.Errorf("tick %d: %v, want Progressing held at 10 with no failed check", tick, r)
		}
		if !slices.Contains(w.asked[tick], MetricSuccessRate) {
			t.Errorf("tick %d: the analysis must run before the gate", tick)
		}
	}
	if got[5].canary != 20 {
		t.Errorf("tick 6: canary %d, want 20 once the gate opens", got[5].canary)
	}
}

func TestPromotingWithAllTrafficOnThePrimaryFinishes(t *testing.T) {
	// A rehearse extension for level-triggering: Flagger's
	// runPromotionTrafficShift does nothing when stepping promotion finds
	// no canary traffic left, which only a crash between its routing and
	// status writes can cause; the engine finishes the promotion instead.
	w := newWorld(podinfo(func(a *v1beta1.CanaryAnalysis) { a.StepWeightPromotion = 20 })).initialized(t)
	w.run(t, 8)
	if w.cd.Status.Phase != Promoting {
		t.Fatalf("phase %s, want Promoting", w.cd.Status.Phase)
	}
	w.routes = Routes{Primary: 100}
	w.tick = 9
	w.step(t, w.now())
	if w.cd.Status.Phase != Finalising {
		t.Errorf("phase %s, want Finalising", w.cd.Status.Phase)
	}
}

// shouldAdvance and hasCanaryRevisionChanged ask the config tracker after
// the pod spec: a tracked ConfigMap or Secret that changed is a new
// revision, even when the pod spec is the last promoted one.
func TestTraceTrackedConfigChangeIsANewRevision(t *testing.T) {
	cfg := func(sum string) map[string]string { return map[string]string{"configmap/podinfo-config": sum} }
	w := newWorld(podinfo())
	w.target.Configs = cfg("aaaa")
	w.initialized(t)
	w.target.Revision = "rev-1" // no image change: the release is the config alone
	if got := w.cd.Status.TrackedConfigs; got == nil || (*got)["configmap/podinfo-config"] != "aaaa" {
		t.Fatalf("initialization tracks %v, want the config's checksum", got)
	}
	w.tick = 1
	w.step(t, w.now())
	if w.cd.Status.Phase != v1beta1.CanaryPhaseInitialized {
		t.Fatalf("unchanged config: phase %s, want Initialized", w.cd.Status.Phase)
	}
	w.target.Configs = cfg("bbbb")
	w.tick = 2
	d := w.step(t, w.now())
	if w.cd.Status.Phase != Progressing || !slices.ContainsFunc(d.Actions, func(a Action) bool { return a.Kind == ActScaleFromZero }) {
		t.Fatalf("changed config: phase %s actions %v, want Progressing with the canary scaled up", w.cd.Status.Phase, d.Actions)
	}
	if got := (*w.cd.Status.TrackedConfigs)["configmap/podinfo-config"]; got != "bbbb" {
		t.Errorf("status tracks %s, want the new checksum", got)
	}
	w.run(t, 3)
	w.target.Configs = cfg("cccc")
	w.tick = 4
	w.step(t, w.now())
	if w.routes.Canary != 0 || w.cd.Status.Phase != Progressing || (*w.cd.Status.TrackedConfigs)["configmap/podinfo-config"] != "cccc" {
		t.Errorf("config changed mid-analysis: %+v %+v, want the analysis restarted at weight 0", w.cd.Status, w.routes)
	}
}

func TestConfigsChanged(t *testing.T) {
	m := func(kv ...string) map[string]string {
		out := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		tracked *map[string]string
		now     map[string]string
		want    bool
	}{
		{"none tracked, none read", nil, nil, false},
		{"none tracked, one read", nil, m("secret/s", "1"), true},
		{"empty tracked, none read", ptr(m()), nil, false},
		{"same checksums", ptr(m("configmap/c", "1")), m("configmap/c", "1"), false},
		{"other checksum", ptr(m("configmap/c", "1")), m("configmap/c", "2"), true},
		{"one added", ptr(m("configmap/c", "1")), m("configmap/c", "1", "secret/s", "1"), true},
		{"one removed", ptr(m("configmap/c", "1", "secret/s", "1")), m("configmap/c", "1"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cd := podinfo()
			cd.Status.TrackedConfigs = tc.tracked
			s := newStepper(cd, Observations{Target: Workload{Configs: tc.now}}, epoch, Options{}, false)
			if got := s.configsChanged(); got != tc.want {
				t.Errorf("configsChanged = %v, want %v", got, tc.want)
			}
		})
	}
}
