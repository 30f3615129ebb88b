// This file moves traffic once the checks pass: the canary, A/B and blue/green strategies, the
// kubernetes-provider rule, stepping weights up and promoting to the primary.

package engine

import (
	"strconv"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// advance moves the rollout on after a passing analysis, by strategy.
func (s *stepper) advance() {
	if s.provider == v1beta1.KubernetesProvider {
		s.kubernetesRule()
	}
	switch s.analysis.Strategy() {
	case v1beta1.StrategyABTesting:
		s.runAB()
	case v1beta1.StrategyBlueGreen:
		s.runBlueGreen()
	default:
		s.runCanary()
	}
}

// kubernetesRule: without a mesh there is no weighted routing, so Flagger
// drops A/B matches and turns a progressive canary into blue/green with 10
// iterations, for this tick only (and says so every tick).
func (s *stepper) kubernetesRule() {
	droppedMatch, setIterations := s.analysis.UnderKubernetes()
	if droppedMatch {
		s.event(EventWarning, "A/B testing is not supported when using the kubernetes provider")
	}
	if setIterations {
		s.event(EventWarning, "Progressive traffic is not supported when using the kubernetes provider")
		s.event(EventWarning, "Setting canaryAnalysis.iterations: %d", v1beta1.DefaultIterationsKubernetes)
	}
}

// runCanary steps the weight up, or promotes at the max weight.
func (s *stepper) runCanary() {
	r := s.obs.Routes
	step := NextStepWeight(&s.analysis, r.Canary)
	if step <= 0 {
		s.reason("analysis passed, but stepWeight 0 with no stepWeights never advances the canary")
		return
	}
	if !r.Mirrored && !s.inPhase(v1beta1.CanaryPhasePromoting, v1beta1.CanaryPhaseWaitingPromotion, v1beta1.CanaryPhaseFinalising) {
		if g := s.runHooks(v1beta1.ConfirmTrafficIncreaseHook, v1beta1.CanaryPhaseProgressing); g != passed {
			s.waitForTrafficIncrease(g)
			return
		}
	}
	if r.Canary < MaxWeight(&s.analysis) {
		s.stepUp(r, step)
		return
	}
	if s.promotionGate() == passed {
		s.promote()
	}
}

func (s *stepper) waitForTrafficIncrease(g gate) {
	if g != failed {
		return
	}
	h := s.lastHook()
	if !h.MuteAlert {
		s.alert(v1beta1.SeverityWarn, false, "Canary traffic increase is waiting for approval.")
	}
	s.reasonJoin("analysis passed; waiting: confirm-traffic-increase hook ", h.Name, " has not approved the next step (no failed check)")
}

// stepUp adds one step of weight; with mirroring, the first step only mirrors.
func (s *stepper) stepUp(r Routes, step int) {
	next := Routes{Primary: max(0, r.Primary-step), Canary: min(totalWeight, r.Canary+step)}
	if s.analysis.Mirror && r.Canary == 0 {
		next = Routes{Primary: totalWeight, Mirrored: true}
		if r.Mirrored {
			next = Routes{Primary: totalWeight - step, Canary: step}
		}
	}
	s.setRoutes(next.Primary, next.Canary, next.Mirrored)
	s.setWeight(next.Canary)
	s.sayJoin(EventNormal, "Advance ", s.cd.Name, ".", s.cd.Namespace, " canary weight ", strconv.Itoa(next.Canary))
	if next.Mirrored {
		s.reason("analysis passed: mirroring traffic to the canary before shifting any")
		return
	}
	s.reason("analysis passed: canary weight %d → %d", r.Canary, next.Canary)
}

// promotionGate asks the confirm-promotion hooks. A closed gate parks the
// Canary in WaitingPromotion, where the analysis keeps running.
func (s *stepper) promotionGate() gate {
	g := s.runHooks(v1beta1.ConfirmPromotionHook, v1beta1.CanaryPhaseProgressing)
	if g != failed {
		return g
	}
	h := s.lastHook()
	if s.phase() != v1beta1.CanaryPhaseWaitingPromotion {
		s.setPhase(v1beta1.CanaryPhaseWaitingPromotion)
		s.sayJoin(EventWarning, "Halt ", s.cd.Name, ".", s.cd.Namespace, " advancement waiting for promotion approval ", h.Name)
		if !h.MuteAlert {
			s.alert(v1beta1.SeverityWarn, false, "Canary promotion is waiting for approval.")
		}
	} else {
		s.setIterations(s.analysis.Iterations - 1)
	}
	s.reasonJoin("analysis passed; waiting: confirm-promotion hook ", h.Name, " has not approved the promotion")
	return failed
}

// promote copies the canary's spec to the primary: phase Promoting.
func (s *stepper) promote() {
	s.copyingEvent()
	s.act(Action{Kind: ActPromote})
	s.setPhase(v1beta1.CanaryPhasePromoting)
	s.reasonJoin("analysis passed at the end: promoting, ", s.primary(), " gets the new spec")
}

// copyingEvent says the target's spec is copied to the primary.
func (s *stepper) copyingEvent() {
	s.sayJoin(EventNormal, "Copying ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace, " template spec to ", s.primary(), ".", s.cd.Namespace)
}

// runAB sends the matching traffic to the canary and counts iterations.
func (s *stepper) runAB() {
	it := s.cd.Status.Iterations
	if s.analysis.Iterations > it {
		s.setRoutes(0, totalWeight, false)
		s.setIterations(it + 1)
		s.iterationEvent(it + 1)
		return
	}
	if s.promotionGate() == passed && s.analysis.Iterations == it {
		s.promote()
	}
}

// runBlueGreen counts iterations, then routes all traffic to the canary for
// one more passing tick before promoting.
func (s *stepper) runBlueGreen() {
	it, r := s.cd.Status.Iterations, s.obs.Routes
	if s.analysis.Iterations > it {
		if s.provider != v1beta1.KubernetesProvider && s.analysis.Mirror && !r.Mirrored {
			s.setRoutes(totalWeight, 0, true)
		}
		s.setIterations(it + 1)
		s.iterationEvent(it + 1)
		return
	}
	if s.promotionGate() != passed {
		return
	}
	switch {
	case s.analysis.Iterations == it:
		if s.provider != v1beta1.KubernetesProvider {
			s.setRoutes(0, totalWeight, false)
		}
		s.setIterations(it + 1)
		s.reason("analysis passed all %d iterations: all traffic to the canary for one more tick", it)
	case s.analysis.Iterations < it:
		s.promote()
	}
}

func (s *stepper) iterationEvent(n int) {
	s.sayJoin(EventNormal, "Advance ", s.cd.Name, ".", s.cd.Namespace, " canary iteration ", strconv.Itoa(n), "/", strconv.Itoa(s.analysis.Iterations))
	s.reason("analysis passed: iteration %d of %d", n, s.analysis.Iterations)
}

// promoting shifts traffic back to the (now updated) primary.
func (s *stepper) promoting() bool {
	if s.phase() != v1beta1.CanaryPhasePromoting {
		return false
	}
	r, swp := s.obs.Routes, s.analysis.StepWeightPromotion
	switch {
	case s.provider == v1beta1.KubernetesProvider:
		s.setPhase(v1beta1.CanaryPhaseFinalising)
		s.reason("promoted: the primary runs the new spec")
	case swp == 0:
		s.event(EventNormal, "Routing all traffic to primary")
		s.setRoutes(totalWeight, 0, false)
		s.setPhase(v1beta1.CanaryPhaseFinalising)
		s.reason("promoted: all traffic back to the primary, which runs the new spec")
	case r.Canary > 0:
		s.shiftToPrimary(r, swp)
	case r.Primary == totalWeight:
		// rehearse extension: Flagger waits here forever. Only a controller
		// that died between its last routing step and its status write
		// leaves this state; the shift is done, so finish as it would have.
		s.setPhase(v1beta1.CanaryPhaseFinalising)
		s.reason("promoting: all traffic is already on the primary (a previous controller died after shifting it); finishing the promotion, where Flagger would wait forever")
	default:
		s.reason("promoting: no canary traffic left to shift")
	}
	return true
}

func (s *stepper) shiftToPrimary(r Routes, swp int) {
	p, c := min(totalWeight, r.Primary+swp), max(0, r.Canary-swp)
	s.setRoutes(p, c, false)
	s.sayJoin(EventNormal, "Advance ", s.cd.Name, ".", s.cd.Namespace, " primary weight ", strconv.Itoa(p))
	if p == totalWeight {
		s.setPhase(v1beta1.CanaryPhaseFinalising)
	} else {
		s.setWeight(c)
	}
	s.reason("promoting: primary weight %d → %d", r.Primary, p)
}
