// This file computes traffic weights: the maximum, the next step, and the routes a provider
// really serves (the kubernetes provider has no weighted routing).

package engine

import "github.com/rehearse-dev/rehearse/engine/api/v1beta1"

const totalWeight = v1beta1.TotalWeight

// MaxWeight is the weight at which the canary is promoted: the last
// stepWeights entry (capped at 100), else maxWeight, else 100.
func MaxWeight(a *v1beta1.CanaryAnalysis) int {
	if n := len(a.StepWeights); n > 0 {
		return min(totalWeight, a.StepWeights[n-1])
	}
	if a.MaxWeight > 0 {
		return a.MaxWeight
	}
	return totalWeight
}

// NextStepWeight is how much weight the next step adds, from the router's
// current canary weight. Zero means the canary never advances.
func NextStepWeight(a *v1beta1.CanaryAnalysis, canaryWeight int) int {
	if a.StepWeight > 0 || len(a.StepWeights) == 0 {
		return a.StepWeight
	}
	room := totalWeight - canaryWeight
	if room == 0 {
		// At 100 the only way on is promotion: any positive step gets there.
		return 1
	}
	if canaryWeight == 0 {
		return min(room, a.StepWeights[0])
	}
	for i := 0; i < len(a.StepWeights)-1; i++ {
		if a.StepWeights[i] == canaryWeight {
			return min(room, a.StepWeights[i+1]-canaryWeight)
		}
	}
	return room
}

// ServedRoutes is the split users' traffic sees under provider. The
// kubernetes provider's router never moves the apex Service, so users stay
// on the primary whatever Flagger's no-op router reports (100% canary once
// blue/green iterations start); a release it rolls back never had users'
// traffic, and a promoted one reaches them through the primary.
func ServedRoutes(provider string, r Routes) Routes {
	if provider == v1beta1.KubernetesProvider {
		return Routes{Primary: totalWeight}
	}
	return r
}
