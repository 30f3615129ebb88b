// This file works out how long a rollout may take to promote or roll back,
// and how much virtual time a rehearsal may use to see a late decision.

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
	steps, ok := a.AdvanceTicks(provider)
	if a.Mirror && cd.DeploymentStrategy() == v1beta1.StrategyCanary {
		steps++ // the first step only mirrors
	}
	return 1 + steps + a.PromotionTicks() + 2, ok
}
