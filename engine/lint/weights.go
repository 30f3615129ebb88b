package lint

import (
	"fmt"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// plan is how Flagger will run a Canary's analysis once the kubernetes
// provider's silent rewrites are applied: no A/B matching, and 10
// iterations when none are set.
type plan struct {
	strategy   string
	iterations int
}

func (t *target) plan() plan {
	it, match := t.a.Iterations, len(t.a.Match) > 0
	if t.isKubernetes() {
		match = false
		if it < 1 {
			it = v1beta1.DefaultIterationsKubernetes
		}
	}
	switch {
	case match && it > 0:
		return plan{v1beta1.StrategyABTesting, it}
	case it > 0:
		return plan{v1beta1.StrategyBlueGreen, it}
	}
	return plan{strategy: v1beta1.StrategyCanary}
}

// steps is the canary weight after each step of a passing progressive
// analysis, computed with the engine's own step rules; stuck means a step
// of zero, where Flagger stops advancing for good.
func steps(a *v1beta1.CanaryAnalysis) (weights []int, stuck bool) {
	maxWeight, w := engine.MaxWeight(a), 0
	for w < maxWeight && w < v1beta1.TotalWeight {
		step := engine.NextStepWeight(a, w)
		if step <= 0 {
			return weights, true
		}
		w = min(v1beta1.TotalWeight, w+step)
		weights = append(weights, w)
	}
	return weights, w < maxWeight
}

// progressive is true for a Canary that shifts traffic step by step.
func (t *target) progressive() bool {
	return !t.cd.SkipAnalysis() && t.plan().strategy == v1beta1.StrategyCanary
}

// checkNeverPromotes: with stepWeight 0 Flagger's advance step is skipped on
// every tick, so the canary stays in Progressing at its current weight for
// ever; nothing fails, nothing is promoted.
func checkNeverPromotes(t *target) {
	if !t.progressive() {
		return
	}
	weights, stuck := steps(t.a)
	if !stuck {
		return
	}
	at := 0
	if len(weights) > 0 {
		at = weights[len(weights)-1]
	}
	hint := ""
	if t.provider() == "" {
		hint = " (unless Flagger runs with -mesh-provider=kubernetes, which turns it into 10 blue/green iterations)"
	}
	t.report(RuleNeverPromotes, "stepWeight",
		"the canary never gets past weight %d and is never promoted%s: set stepWeight and maxWeight (e.g. 10 and 50), stepWeights (e.g. [5, 10, 25, 50]), or iterations for blue/green", at, hint)
}

// checkFirstStepAboveMax: Flagger compares the weight with maxWeight only
// before stepping, so a first step above maxWeight is taken in full and the
// canary is promoted after that one step.
func checkFirstStepAboveMax(t *target) {
	a := t.a
	if !t.progressive() || len(a.StepWeights) > 0 || a.MaxWeight <= 0 || a.StepWeight <= a.MaxWeight {
		return
	}
	t.report(RuleFirstStepAboveMax, "stepWeight",
		"stepWeight %d is above maxWeight %d: Flagger's first step sends %d%% of the traffic to the canary, then promotes: make stepWeight at most maxWeight (e.g. stepWeight: %d)",
		a.StepWeight, a.MaxWeight, a.StepWeight, max(1, a.MaxWeight/2))
}

// checkStepOvershoot: when maxWeight is not a multiple of stepWeight the
// last step lands past it (Flagger only caps the weight at 100).
func checkStepOvershoot(t *target) {
	a := t.a
	if !t.progressive() || len(a.StepWeights) > 0 || a.StepWeight <= 0 || a.MaxWeight <= 0 || a.StepWeight > a.MaxWeight {
		return
	}
	weights, stuck := steps(a)
	if stuck || len(weights) == 0 {
		return
	}
	last := weights[len(weights)-1]
	if last <= a.MaxWeight {
		return
	}
	t.report(RuleStepOvershoot, "maxWeight",
		"steps of %d reach %d%%, past maxWeight %d, before the canary is promoted: make maxWeight a multiple of stepWeight (e.g. %d) or list the weights in stepWeights",
		a.StepWeight, last, a.MaxWeight, last-a.StepWeight)
}

// ticksToPromote is the least number of analysis intervals from the tick
// that notices a new revision to the tick that promotes, with every check
// passing and every gate open (as observed on Flagger's scheduler).
func (t *target) ticksToPromote() (int, bool) {
	p := t.plan()
	switch p.strategy {
	case v1beta1.StrategyABTesting:
		return p.iterations + 1, true // iterations, then promote
	case v1beta1.StrategyBlueGreen:
		return p.iterations + 2, true // iterations, all traffic to the canary, promote
	}
	weights, stuck := steps(t.a)
	if stuck {
		return 0, false
	}
	n := len(weights) + 1 // the steps, then promote
	if t.a.Mirror {
		n++ // one mirroring step first
	}
	return n, true
}

// checkProgressDeadline warns when the analysis alone outlasts
// progressDeadlineSeconds. That is not a failure in Flagger, whose deadline
// only bounds how long the canary and primary workloads may take to become
// ready; the analysis itself has no time limit. Users often read the field
// the other way round, so say what it does.
func checkProgressDeadline(t *target) {
	if t.cd.SkipAnalysis() {
		return
	}
	n, ok := t.ticksToPromote()
	if !ok {
		return
	}
	interval, deadline := t.cd.GetAnalysisInterval(), t.cd.GetProgressDeadline()
	total := time.Duration(n) * interval
	if total <= deadline {
		return
	}
	t.report(RuleProgressDeadline, "spec.progressDeadlineSeconds",
		"the analysis needs at least %d intervals of %v (%v) to promote, longer than progressDeadlineSeconds (%v); Flagger allows that, since the deadline only bounds how long the canary and primary pods take to become ready, not the analysis: to bound the rollout's length, shorten the interval or take fewer steps",
		n, interval, total, deadline)
}

// checkIterationsOverride: Flagger picks blue/green (or A/B with match) as
// soon as iterations is set, and then never reads stepWeight, stepWeights
// or maxWeight (fluxcd/flagger#305 introduced iterations "instead of
// maxWeight/stepWeight"). A Canary with both looks progressive and is not.
func checkIterationsOverride(t *target) {
	a := t.a
	if a.Iterations <= 0 || !hasWeights(a) {
		return
	}
	t.report(RuleIterationsOverride, "iterations",
		"iterations %d makes this a %s rollout, and Flagger ignores %s: remove iterations for a progressive canary, or remove the weights",
		a.Iterations, t.plan().strategy, weightFields(a))
}

func hasWeights(a *v1beta1.CanaryAnalysis) bool {
	return a.StepWeight > 0 || a.MaxWeight > 0 || len(a.StepWeights) > 0
}

// weightFields names the weight settings present, for a message.
func weightFields(a *v1beta1.CanaryAnalysis) string {
	var names []string
	if a.StepWeight > 0 {
		names = append(names, fmt.Sprintf("stepWeight %d", a.StepWeight))
	}
	if a.MaxWeight > 0 {
		names = append(names, fmt.Sprintf("maxWeight %d", a.MaxWeight))
	}
	if len(a.StepWeights) > 0 {
		names = append(names, fmt.Sprintf("stepWeights %v", a.StepWeights))
	}
	return joinAnd(names)
}

func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	out := words[0]
	for _, w := range words[1 : len(words)-1] {
		out += ", " + w
	}
	return out + " and " + words[len(words)-1]
}
