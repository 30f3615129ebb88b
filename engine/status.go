// This file writes the Canary's status from inside a tick: phase, weight, iterations, failed
// checks, tracked configs and the Promoted condition, as Flagger records them.

package engine

import (
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// The status writers below reproduce the effect of each of Flagger's status
// updates on the status value; the step applies them to one working copy,
// which the runner then writes once.

// keepsWeight lists the phases whose status keeps canaryWeight and iterations;
// every other phase zeroes them (a user reads the router's weights instead).
func keepsWeight(p v1beta1.CanaryPhase) bool {
	return p == v1beta1.CanaryPhaseProgressing || p == v1beta1.CanaryPhaseWaiting ||
		p == v1beta1.CanaryPhasePromoting
}

// setPhase is Flagger's SetStatusPhase.
func (s *stepper) setPhase(p v1beta1.CanaryPhase) {
	st := &s.status
	st.Phase = p
	if !keepsWeight(p) {
		st.CanaryWeight, st.Iterations = 0, 0
		if p == v1beta1.CanaryPhaseWaitingPromotion {
			st.Iterations = s.analysis.Iterations - 1
		}
	}
	if p == v1beta1.CanaryPhaseInitialized || p == v1beta1.CanaryPhaseSucceeded {
		st.LastPromotedSpec = st.LastAppliedSpec
	}
	s.touch(p)
}

// syncStatus is Flagger's SyncStatus: the counters from scratch and the
// target's current revision recorded as the one under analysis.
func (s *stepper) syncStatus(p v1beta1.CanaryPhase, weight int) {
	if s.quiet { // a quiet status is thrown away: no configs cloned for it
		return
	}
	st := &s.status
	st.Phase, st.CanaryWeight, st.FailedChecks, st.Iterations = p, weight, 0, 0
	st.LastAppliedSpec = s.obs.Target.Revision
	st.TrackedConfigs = trackedConfigs(s.obs.Target.Configs)
	if p == v1beta1.CanaryPhaseInitialized {
		st.LastPromotedSpec = st.LastAppliedSpec
	}
	s.touch(p)
}

func trackedConfigs(c map[string]string) *map[string]string {
	if len(c) == 0 {
		return nil
	}
	m := maps.Clone(c)
	return &m
}

func (s *stepper) setWeight(w int) {
	s.status.CanaryWeight = w
	s.status.LastTransitionTime = metav1.NewTime(s.now)
}

func (s *stepper) setIterations(n int) {
	s.status.Iterations = n
	s.status.LastTransitionTime = metav1.NewTime(s.now)
}

func (s *stepper) addFailedCheck() {
	s.status.FailedChecks++
	s.status.LastTransitionTime = metav1.NewTime(s.now)
}

// touch stamps the transition time and updates the Promoted condition.
func (s *stepper) touch(p v1beta1.CanaryPhase) {
	if s.quiet { // a quiet status is thrown away: no condition built for it
		return
	}
	s.status.LastTransitionTime = metav1.NewTime(s.now)
	if c, changed := promotedCondition(s.status.Conditions, p, s.cd.Spec.TargetRef.Kind, s.now); changed {
		s.status.Conditions = []v1beta1.CanaryCondition{c}
	}
}

// promotedCondition computes the Promoted condition for a phase. It changes
// only when its status or reason does, and keeps its transition time while
// its status stays the same. Its message is written only when it changes.
func promotedCondition(current []v1beta1.CanaryCondition, p v1beta1.CanaryPhase, kind string, now time.Time) (v1beta1.CanaryCondition, bool) {
	status := conditionStatus(p)
	next := v1beta1.CanaryCondition{Type: v1beta1.PromotedType, Status: status, Reason: string(p),
		LastUpdateTime: metav1.NewTime(now), LastTransitionTime: metav1.NewTime(now)}
	for _, c := range current {
		if c.Type != v1beta1.PromotedType {
			continue
		}
		if c.Status == status && c.Reason == next.Reason {
			return c, false
		}
		if c.Status == status {
			next.LastTransitionTime = c.LastTransitionTime
		}
	}
	next.Message = conditionMessage(p, kind)
	return next, true
}

// conditionStatus is the Promoted condition's status in phase p.
func conditionStatus(p v1beta1.CanaryPhase) corev1.ConditionStatus {
	switch p {
	case v1beta1.CanaryPhaseInitialized, v1beta1.CanaryPhaseSucceeded:
		return corev1.ConditionTrue
	case v1beta1.CanaryPhaseFailed:
		return corev1.ConditionFalse
	}
	return corev1.ConditionUnknown
}

// conditionMessage is the Promoted condition's message in phase p.
func conditionMessage(p v1beta1.CanaryPhase, kind string) string {
	switch p {
	case v1beta1.CanaryPhaseInitialized:
		return kind + " initialization completed."
	case v1beta1.CanaryPhaseWaiting, v1beta1.CanaryPhaseWaitingPromotion:
		return "Waiting for approval."
	case v1beta1.CanaryPhaseProgressing:
		return "New revision detected, analysis in progress."
	case v1beta1.CanaryPhasePromoting:
		return "Analysis passed, updating the primary."
	case v1beta1.CanaryPhaseFinalising:
		return "Analysis passed, routing all traffic to the primary."
	case v1beta1.CanaryPhaseSucceeded:
		return "Analysis passed, promotion finished."
	case v1beta1.CanaryPhaseFailed:
		return "Analysis failed, " + kind + " scaled to zero."
	default:
		return "New " + kind + " detected, initializing."
	}
}
