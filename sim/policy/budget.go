package policy

import (
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// budget is how long the rollout may take to reach outcome.
func (s *subject) budget(outcome v1beta1.CanaryPhase, opts Options) time.Duration {
	if outcome == v1beta1.CanaryPhaseFailed {
		if s.over.maxRollback > 0 {
			return s.over.maxRollback
		}
		return opts.MaxRollbackTime
	}
	switch {
	case s.over.maxPromotion > 0:
		return s.over.maxPromotion
	case opts.MaxPromotionTime > 0:
		return opts.MaxPromotionTime
	}
	ticks, _ := promotionTicks(s.cd, s.provider)
	return time.Duration(ticks+marginTicks) * s.cd.GetAnalysisInterval()
}

// runLimit is how much virtual time a rehearsal may use: long enough to
// see a late decision (the scenario loader's default limit, three times
// the analysis' worst case), and at least twice the budget.
func (s *subject) runLimit(sc *scenarios.Scenario) time.Duration {
	within := sc.Expect.Within
	return max(2*within, within+3*s.cd.GetAnalysisInterval(), scenarios.DefaultMaxDuration(sc))
}

// promotionTicks is the tick on which a healthy release reaches Succeeded:
// tick 1 notices the release, the advance ticks follow, then promotion,
// finalising and success. It is false when the Canary never promotes.
func promotionTicks(cd *v1beta1.Canary, provider string) (int, bool) {
	if cd.SkipAnalysis() {
		return 2, true
	}
	a := cd.GetAnalysis()
	steps, ok := advanceTicks(a, provider)
	if a.Mirror && cd.DeploymentStrategy() == v1beta1.StrategyCanary {
		steps++ // the first step only mirrors
	}
	promoting := 1
	if a.StepWeightPromotion > 0 {
		promoting = ceilDiv(v1beta1.TotalWeight, a.StepWeightPromotion)
	}
	return 1 + steps + promoting + 2, ok
}

// advanceTicks counts the passing ticks from weight 0 to the last step.
func advanceTicks(a *v1beta1.CanaryAnalysis, provider string) (int, bool) {
	switch {
	case a.Iterations > 0:
		return a.Iterations + 1, true
	case provider == v1beta1.KubernetesProvider:
		return v1beta1.DefaultIterationsKubernetes + 1, true
	case len(a.StepWeights) > 0:
		return len(a.StepWeights), true
	case a.StepWeight > 0:
		return ceilDiv(maxWeight(a), a.StepWeight), true
	}
	return 1, false
}

func maxWeight(a *v1beta1.CanaryAnalysis) int {
	if a.MaxWeight > 0 {
		return a.MaxWeight
	}
	return v1beta1.TotalWeight
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
