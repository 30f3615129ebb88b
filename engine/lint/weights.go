// This file holds the rules about how traffic moves: step weights that never promote, overshoot or
// jump past maxWeight, iterations that override them, and pods slower than the progress deadline.

package lint

import (
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"

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
	a := *t.a // a copy: the kubernetes rule edits it
	if t.isKubernetes() {
		a.UnderKubernetes()
	}
	if s := a.Strategy(); s != v1beta1.StrategyCanary {
		return plan{s, a.Iterations}
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

// checkProgressDeadline warns where progressDeadlineSeconds really fails a
// release: Flagger rolls the canary back once its Deployment has been
// unavailable (MinimumReplicasUnavailable) for longer than the deadline, or
// its own progress deadline is exceeded. The analysis itself has no time
// limit, so a long analysis is never a finding; pods whose readiness probe
// cannot pass before the deadline are.
func checkProgressDeadline(t *target) {
	d := t.targetDeployment()
	if d == nil || t.cd.SkipAnalysis() {
		return
	}
	ready, why := earliestAvailable(d)
	deadline := t.cd.GetProgressDeadline()
	if own := d.Spec.ProgressDeadlineSeconds; own != nil && time.Duration(*own)*time.Second < deadline {
		deadline = time.Duration(*own) * time.Second
	}
	if ready <= deadline {
		return
	}
	t.report(RuleProgressDeadline, "spec.progressDeadlineSeconds",
		"the pods of Deployment %s cannot be available before %v (%s), but the progress deadline is %v: Flagger rolls back every release whose canary is still unavailable at the first check after the deadline: raise progressDeadlineSeconds above %v",
		d.Name, ready, why, deadline, ready)
}

// targetDeployment is the Canary's target Deployment when the linted files hold it.
func (t *target) targetDeployment() *appsv1.Deployment {
	ref := t.cd.Spec.TargetRef
	if ref.Kind != "Deployment" {
		return nil
	}
	for _, d := range t.set.Deployments {
		if d.Name == ref.Name && d.Namespace == t.cd.Namespace {
			return d
		}
	}
	return nil
}

// earliestAvailable is the soonest a new pod of d can count as available:
// its slowest container's first passing readiness probes, then minReadySeconds.
func earliestAvailable(d *appsv1.Deployment) (time.Duration, string) {
	var slowest time.Duration
	var parts []string
	for _, c := range d.Spec.Template.Spec.Containers {
		p := c.ReadinessProbe
		if p == nil {
			continue
		}
		period := p.PeriodSeconds
		if period <= 0 {
			period = 10 // the API server's default
		}
		n := time.Duration(p.InitialDelaySeconds+period*(max(p.SuccessThreshold, 1)-1)) * time.Second
		if n > slowest {
			slowest = n
			parts = []string{fmt.Sprintf("container %s's readinessProbe passes at %v at the earliest", c.Name, n)}
		}
	}
	if m := d.Spec.MinReadySeconds; m > 0 {
		slowest += time.Duration(m) * time.Second
		parts = append(parts, fmt.Sprintf("minReadySeconds %d", m))
	}
	return slowest, strings.Join(parts, ", then ")
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
