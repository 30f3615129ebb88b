package scenarios

import (
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// limits reads spec.limits or derives the default bound of the run.
func (c *converter) limits(s *Scenario, r *rawLimits) Limits {
	l := Limits{MaxDuration: DefaultMaxDuration(s)}
	if r != nil {
		if d, ok := c.optDuration("spec.limits.maxDuration", r.MaxDuration); ok {
			l.MaxDuration = d
		}
		if l.MaxDuration <= 0 {
			c.errorf("spec.limits.maxDuration", "must be longer than zero")
		}
	}
	if s.Expect.Within > l.MaxDuration {
		c.errorf("spec.expect.within", "%v is beyond the run's limit of %v: raise spec.limits.maxDuration or lower within", s.Expect.Within, l.MaxDuration)
	}
	return l
}

// DefaultMaxDuration is three times the analysis' worst case after the last
// scheduled thing (release, event, gate opening, behaviour change), capped
// at MaxDurationCap. The worst case counts the ticks to reach the last step
// with every failure the threshold allows, the promotion and finalising
// ticks, and the progress deadline.
func DefaultMaxDuration(s *Scenario) time.Duration {
	if s.Canary == nil {
		return MaxDurationCap
	}
	c := s.Canary
	ticks := 4 + advanceTicks(c) + c.GetAnalysisThreshold() + promotionTicks(c)
	worst := time.Duration(ticks)*c.GetAnalysisInterval() + c.GetProgressDeadline()
	last := max(lastScheduled(s), time.Duration(lastScriptTick(s))*c.GetAnalysisInterval())
	return min(3*(last+worst), MaxDurationCap)
}

// advanceTicks is the number of passing ticks from weight 0 to the last step.
func advanceTicks(c *v1beta1.Canary) int {
	a := c.GetAnalysis()
	switch {
	case a == nil || c.SkipAnalysis():
		return 1
	case a.Iterations > 0:
		return a.Iterations + 1
	case c.Spec.Provider == v1beta1.KubernetesProvider:
		return v1beta1.DefaultIterationsKubernetes + 1
	case len(a.StepWeights) > 0:
		return len(a.StepWeights)
	case a.StepWeight > 0:
		return ceilDiv(maxWeight(a), a.StepWeight)
	default:
		return 100 // never promotes: let the cap decide
	}
}

func maxWeight(a *v1beta1.CanaryAnalysis) int {
	if a.MaxWeight > 0 {
		return a.MaxWeight
	}
	return v1beta1.TotalWeight
}

func promotionTicks(c *v1beta1.Canary) int {
	if a := c.GetAnalysis(); a != nil && a.StepWeightPromotion > 0 {
		return ceilDiv(v1beta1.TotalWeight, a.StepWeightPromotion)
	}
	return 1
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// lastScheduled is the latest moment the scenario itself schedules something.
func lastScheduled(s *Scenario) time.Duration {
	last := s.Release.At
	for _, e := range s.Events {
		last = max(last, e.At)
	}
	for _, v := range s.Versions {
		for _, ch := range v.Changes {
			last = max(last, ch.At)
		}
	}
	for _, w := range s.Webhooks {
		last = max(last, webhookLast(w))
	}
	return last
}

func webhookLast(w *Webhook) time.Duration {
	var last time.Duration
	for _, a := range w.Answers {
		last = max(last, a.From)
	}
	if w.Gate != nil && w.Gate.OpenAt != nil {
		last = max(last, *w.Gate.OpenAt)
	}
	return last
}

func lastScriptTick(s *Scenario) int {
	if len(s.Script) == 0 {
		return 0
	}
	return s.Script[len(s.Script)-1].Tick
}
