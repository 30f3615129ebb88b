// This file derives what an analysis will do from its fields alone: the
// strategy it runs, Flagger's kubernetes-provider rewrite, and how many
// passing ticks it takes to advance and promote. The engine, lint, the
// scenario limits and the policy budget all read these, so the rules live
// here once.

package v1beta1

import "math"

// Strategy derives the strategy: match and iterations give A/B, iterations
// alone blue/green, anything else a progressive canary.
func (a *CanaryAnalysis) Strategy() string {
	switch {
	case len(a.Match) > 0 && a.Iterations > 0:
		return StrategyABTesting
	case a.Iterations > 0:
		return StrategyBlueGreen
	}
	return StrategyCanary
}

// UnderKubernetes rewrites a as Flagger does under the kubernetes provider,
// which has no weighted routing: A/B matches are dropped and a progressive
// canary becomes blue/green with DefaultIterationsKubernetes iterations. It
// reports what it changed, because Flagger warns about each every tick.
func (a *CanaryAnalysis) UnderKubernetes() (droppedMatch, setIterations bool) {
	if len(a.Match) > 0 {
		a.Match, droppedMatch = nil, true
	}
	if a.Iterations < 1 {
		a.Iterations, setIterations = DefaultIterationsKubernetes, true
	}
	return droppedMatch, setIterations
}

// AdvanceTicks counts the passing ticks from weight 0 to the last step under
// provider; false when the analysis never advances (no iterations, no step).
func (a *CanaryAnalysis) AdvanceTicks(provider string) (int, bool) {
	switch {
	case a.Iterations > 0:
		return addSat(a.Iterations, 1), true
	case provider == KubernetesProvider:
		return DefaultIterationsKubernetes + 1, true
	case len(a.StepWeights) > 0:
		return len(a.StepWeights), true
	case a.StepWeight > 0:
		return ceilDiv(a.maxWeight(), a.StepWeight), true
	}
	return 1, false
}

// PromotionTicks counts the ticks promotion takes: one, or as many as
// stepWeightPromotion needs to bring the primary to full weight.
func (a *CanaryAnalysis) PromotionTicks() int {
	if a.StepWeightPromotion > 0 {
		return ceilDiv(TotalWeight, a.StepWeightPromotion)
	}
	return 1
}

func (a *CanaryAnalysis) maxWeight() int {
	if a.MaxWeight > 0 {
		return a.MaxWeight
	}
	return TotalWeight
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// addSat adds without overflowing: an absurd iteration count saturates.
func addSat(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}
