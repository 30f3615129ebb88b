// This file holds the stages a tick passes before traffic moves: initialization, spec, config and
// revision changes, readiness waits, skip-analysis, rollback hooks, finalising and the threshold.

package engine

import (
	"maps"
	"strconv"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// initialize creates the primary on first sight and, once it is ready, scales
// the canary to zero and records the target's revision: phase Initialized.
func (s *stepper) initialize() bool {
	if !s.inPhase("", v1beta1.CanaryPhaseInitializing) {
		return false
	}
	s.act(Action{Kind: ActInitialize})
	if !s.obs.Primary.Exists {
		s.setPhase(v1beta1.CanaryPhaseInitializing)
		s.reasonJoin("initializing: creating ", s.primary(), " from ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace)
		return true
	}
	if !s.cd.SkipAnalysis() && s.obs.Primary.Readiness != Ready {
		return s.primaryWait()
	}
	s.act(Action{Kind: ActScaleToZero})
	s.syncStatus(v1beta1.CanaryPhaseInitialized, 0)
	s.sayJoin(EventNormal, "Initialization done! ", s.cd.Name, ".", s.cd.Namespace)
	s.alertJoin(v1beta1.SeverityInfo, true, "New ", s.cd.Spec.TargetRef.Kind, " detected, initialization completed.")
	s.reasonJoin("initialized: ", s.primary(), " serves all traffic, ", s.cd.Spec.TargetRef.Name, " scaled to zero")
	return true
}

// unchanged ends the tick when a settled Canary's target has no new revision.
func (s *stepper) unchanged() bool {
	if s.inPhase(v1beta1.CanaryPhaseProgressing, v1beta1.CanaryPhaseWaiting, v1beta1.CanaryPhaseWaitingPromotion,
		v1beta1.CanaryPhasePromoting, v1beta1.CanaryPhaseFinalising) {
		return false
	}
	if s.phase() == v1beta1.CanaryPhaseFailed && !s.quiet {
		// Flagger re-syncs the applied spec of a failed Canary every tick,
		// while this tick still compares against the old one.
		s.status.LastAppliedSpec = s.obs.Target.Revision
		s.status.TrackedConfigs = trackedConfigs(s.obs.Target.Configs)
		s.touch(v1beta1.CanaryPhaseFailed)
	}
	if s.targetChanged() {
		return false
	}
	s.reasonJoin(string(s.phase()), ": no new revision of ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace)
	return true
}

// targetChanged is Flagger's hasSpecChanged, then its config tracker's
// HasConfigChanged: a return to the last promoted spec is a manual
// rollback, not a new revision, but a tracked ConfigMap or Secret that
// changed is one even when the pod spec did not.
func (s *stepper) targetChanged() bool {
	return s.specChanged() || s.configsChanged()
}

func (s *stepper) specChanged() bool {
	st, rev := s.cd.Status, s.obs.Target.Revision
	switch {
	case st.LastAppliedSpec == "":
		return true
	case st.LastPromotedSpec == rev:
		return false
	}
	return st.LastAppliedSpec != rev
}

// configsChanged compares the tracked configs' checksums with the status's,
// as Flagger does: configs where the status tracks none is a change, and so
// is a config added, removed or with another checksum.
func (s *stepper) configsChanged() bool {
	tracked, now := s.cd.Status.TrackedConfigs, s.obs.Target.Configs
	if tracked == nil {
		return len(now) > 0
	}
	return !maps.Equal(*tracked, now)
}

// retriable says whether a workload that is not ready may still become ready
// within the Canary's progress deadline.
func (s *stepper) retriable(w Workload) bool {
	if w.Readiness == DeadlineExceeded {
		return false
	}
	if w.UnavailableSince.IsZero() {
		return true
	}
	return !w.UnavailableSince.Add(s.cd.GetProgressDeadline()).Before(s.now)
}

func (s *stepper) primaryNotReady() bool {
	if s.cd.SkipAnalysis() || s.obs.Primary.Readiness == Ready && s.obs.Primary.Exists {
		return false
	}
	return s.primaryWait()
}

// primaryWait waits for the primary, or gives up once its deadline passed:
// during promotion the canary is the only healthy copy, so traffic goes to it.
func (s *stepper) primaryWait() bool {
	p := s.obs.Primary
	s.sayJoin(EventWarning, s.primary(), ".", s.cd.Namespace, " not ready: ", p.Message)
	if s.retriable(p) {
		s.reasonJoin("waiting: primary ", s.primary(), " not ready (", p.Message, ")")
		return true
	}
	if s.inPhase(v1beta1.CanaryPhasePromoting, v1beta1.CanaryPhaseFinalising) {
		s.failedPromotion()
		return true
	}
	s.rollback("primary %s did not become ready within the progress deadline", s.primary())
	return true
}

// startOrWait asks the confirm-rollout gates of a new revision (or of a
// waiting one) and starts the analysis when they all pass.
func (s *stepper) startOrWait() bool {
	if s.inPhase(v1beta1.CanaryPhaseProgressing, v1beta1.CanaryPhaseWaitingPromotion,
		v1beta1.CanaryPhasePromoting, v1beta1.CanaryPhaseFinalising) {
		return false
	}
	switch s.runHooks(v1beta1.ConfirmRolloutHook, s.phase()) {
	case pending:
	case failed:
		s.waitForRollout()
	case passed:
		s.sayJoin(EventNormal, "New revision detected! Scaling up ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace)
		s.alertJoin(v1beta1.SeverityInfo, true, "New revision detected, progressing canary analysis.")
		s.act(Action{Kind: ActScaleFromZero})
		s.syncStatus(v1beta1.CanaryPhaseProgressing, 0)
		s.reasonJoin("new revision of ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace, " detected: scaling it up, analysis starts next tick")
	}
	return true
}

func (s *stepper) waitForRollout() {
	h := s.lastHook()
	if s.phase() != v1beta1.CanaryPhaseWaiting {
		s.setPhase(v1beta1.CanaryPhaseWaiting)
		s.sayJoin(EventWarning, "Halt ", s.cd.Name, ".", s.cd.Namespace, " advancement waiting for approval ", h.Name)
		if !h.MuteAlert {
			s.alert(v1beta1.SeverityWarn, false, "Canary is waiting for approval.")
		}
	}
	s.reasonJoin("waiting: confirm-rollout hook ", h.Name, " has not approved the rollout (rollback hooks are not asked while Waiting)")
}

// revisionChanged restarts the analysis when the target changes mid-way.
func (s *stepper) revisionChanged() bool {
	if !s.inPhase(v1beta1.CanaryPhaseProgressing, v1beta1.CanaryPhaseWaitingPromotion) || !s.targetChanged() {
		return false
	}
	s.event(EventNormal, "New revision detected! Restarting analysis for %s", s.target())
	s.setRoutes(totalWeight, 0, false)
	s.syncStatus(v1beta1.CanaryPhaseProgressing, 0)
	s.reason("new revision of %s during the analysis: all traffic back to the primary, analysis restarts", s.target())
	return true
}

func (s *stepper) canaryNotReady() bool {
	t := s.obs.Target
	if t.Readiness == Ready {
		return false
	}
	s.sayJoin(EventWarning, "canary ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace, " not ready: ", t.Message)
	if s.retriable(t) {
		s.reasonJoin("waiting: canary ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace, " not ready (", t.Message, "); no failed check is counted")
		return true
	}
	s.event(EventWarning, "Rolling back %s progress deadline exceeded %s", s.name(), t.Message)
	s.alert(v1beta1.SeverityError, false, "Progress deadline exceeded %s", t.Message)
	s.rollback("canary %s did not become ready within the progress deadline (%s)", s.target(), t.Message)
	return true
}

func (s *stepper) skipAnalysis() bool {
	if !s.cd.SkipAnalysis() {
		return false
	}
	s.setRoutes(totalWeight, 0, false)
	s.copyingEvent()
	s.act(Action{Kind: ActPromote})
	s.act(Action{Kind: ActScaleToZero})
	s.setPhase(v1beta1.CanaryPhaseSucceeded)
	s.act(Action{Kind: ActPostRolloutHooks, Phase: v1beta1.CanaryPhaseSucceeded})
	s.event(EventNormal, "Promotion completed! Canary analysis was skipped for %s", s.target())
	s.alert(v1beta1.SeverityInfo, false, "Canary analysis was skipped, promotion finished.")
	s.reason("skipAnalysis: promoted at once, no metric or hook asked")
	return true
}

// rollbackHooks asks the rollback hooks; the first that answers with
// success rolls the canary back on this very tick.
func (s *stepper) rollbackHooks() bool {
	if !s.inPhase(v1beta1.CanaryPhaseProgressing, v1beta1.CanaryPhaseWaiting, v1beta1.CanaryPhaseWaitingPromotion) {
		return false
	}
	switch s.runHooks(v1beta1.RollbackHook, s.phase()) {
	case pending:
		return true
	case passed:
		h := s.lastHook()
		s.event(EventWarning, "Rolling back %s manual webhook invoked", s.name())
		s.alert(v1beta1.SeverityWarn, false, "Rolling back manual webhook invoked")
		s.rollback("rollback hook %s asked for a rollback", h.Name)
		return true
	}
	return false
}

func (s *stepper) finalising() bool {
	if s.phase() != v1beta1.CanaryPhaseFinalising {
		return false
	}
	s.act(Action{Kind: ActScaleToZero})
	s.setPhase(v1beta1.CanaryPhaseSucceeded)
	s.act(Action{Kind: ActPostRolloutHooks, Phase: v1beta1.CanaryPhaseSucceeded})
	s.sayJoin(EventNormal, "Promotion completed! Scaling down ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace)
	s.alertJoin(v1beta1.SeverityInfo, false, "Canary analysis completed successfully, promotion finished.")
	s.reasonJoin("promotion finished: ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace, " scaled to zero")
	return true
}

func (s *stepper) thresholdReached() bool {
	if !s.inPhase(v1beta1.CanaryPhaseProgressing, v1beta1.CanaryPhaseWaitingPromotion) ||
		s.cd.Status.FailedChecks < s.cd.GetAnalysisThreshold() {
		return false
	}
	s.rollback("failed checks reached the threshold (%d of %d)", s.cd.Status.FailedChecks, s.cd.GetAnalysisThreshold())
	return true
}

// rollback routes all traffic to the primary, scales the canary to zero and
// marks the Canary Failed, saying why in the tick's reason.
func (s *stepper) rollback(why string, args ...any) {
	if s.cd.Status.FailedChecks >= s.cd.GetAnalysisThreshold() {
		n := strconv.Itoa(s.cd.Status.FailedChecks)
		s.sayJoin(EventWarning, "Rolling back ", s.cd.Name, ".", s.cd.Namespace, " failed checks threshold reached ", n)
		s.alertJoin(v1beta1.SeverityError, false, "Failed checks threshold reached ", n)
	}
	s.setRoutes(totalWeight, 0, false)
	s.sayJoin(EventWarning, "Canary failed! Scaling down ", s.cd.Name, ".", s.cd.Namespace)
	s.act(Action{Kind: ActScaleToZero})
	s.syncStatus(v1beta1.CanaryPhaseFailed, 0)
	s.act(Action{Kind: ActPostRolloutHooks, Phase: v1beta1.CanaryPhaseFailed})
	s.reason("rolled back: "+why, args...)
}

// failedPromotion handles a primary that cannot become ready while being
// promoted: traffic goes to the canary, the only healthy copy.
func (s *stepper) failedPromotion() {
	s.alert(v1beta1.SeverityError, false, "Promotion failed, primary not ready: %s", s.obs.Primary.Message)
	s.setRoutes(0, totalWeight, false)
	s.syncStatus(v1beta1.CanaryPhaseFailed, totalWeight)
	s.act(Action{Kind: ActPostRolloutHooks, Phase: v1beta1.CanaryPhaseFailed})
	s.reasonJoin("promotion failed: primary ", s.primary(), " not ready past its deadline; all traffic stays on the canary")
}
