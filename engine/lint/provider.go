// This file holds the rules about what the provider really does: Flagger's interval floor, the
// kubernetes provider's ignored matches and replaced weights, and canaries left without traffic.

package lint

import (
	"fmt"
	"slices"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// checkIntervalFloor: Flagger never schedules a Canary more often than every
// 10 seconds and says nothing when the interval asks for less, so every
// duration computed from the written interval would be wrong.
func checkIntervalFloor(t *target) {
	d, err := time.ParseDuration(t.a.Interval)
	if err != nil || d >= v1beta1.MinAnalysisInterval {
		return // an unparsable interval is the loader's error
	}
	t.report(RuleIntervalFloor, "interval",
		"interval %s is below Flagger's floor of %v, which Flagger uses instead without saying so: write interval: %v (or more)",
		t.a.Interval, v1beta1.MinAnalysisInterval, v1beta1.MinAnalysisInterval)
}

// checkKubernetesMatch: without a mesh Flagger cannot route by header or
// cookie; it logs a warning on every tick and ignores the match.
func checkKubernetesMatch(t *target) {
	if !t.isKubernetes() || len(t.a.Match) == 0 {
		return
	}
	t.report(RuleKubernetesMatch, "match",
		"the kubernetes provider cannot route by request, so Flagger drops these match conditions and runs a %s rollout in which no user reaches the canary: use a mesh or ingress provider for A/B testing, or remove match",
		t.plan().strategy)
}

// checkKubernetesWeights: without a mesh there is no weighted routing;
// Flagger replaces a progressive canary by 10 blue/green iterations.
func checkKubernetesWeights(t *target) {
	a := t.a
	if !t.isKubernetes() || a.Iterations > 0 || !hasWeights(a) {
		return // with iterations set, RH013 says the weights are ignored
	}
	t.report(RuleKubernetesWeights, "stepWeight",
		"the kubernetes provider cannot shift traffic by weight, so Flagger ignores %s and runs %d blue/green iterations instead: write iterations: %d (and remove the weights), or use a mesh or ingress provider",
		weightFields(a), v1beta1.DefaultIterationsKubernetes, v1beta1.DefaultIterationsKubernetes)
}

// checkNoTraffic: during blue/green iterations all user traffic stays on the
// primary, so the builtin request metrics of the canary have no samples
// unless something sends it requests. Flagger then fails the check with
// "no values found" and rolls back after `threshold` ticks, a trap users
// keep reporting (fluxcd/flagger#883 with the kubernetes provider,
// fluxcd/flagger#1035). Flagger's docs pair blue/green with a load test
// webhook for this reason.
func checkNoTraffic(t *target) {
	p := t.plan()
	if t.cd.SkipAnalysis() || p.strategy != v1beta1.StrategyBlueGreen || t.mirrored() || hasLoadHook(t.a) {
		return
	}
	i := slices.IndexFunc(t.a.Metrics, func(m v1beta1.CanaryMetric) bool { return manifest.IsBuiltinMetric(m.Name) })
	if i < 0 {
		return
	}
	t.report(RuleNoTraffic, fmt.Sprintf("metrics[%d].name", i),
		"blue/green iterations send no user traffic to the canary and no rollout webhook sends it load, so %s will find no values and the canary rolls back after %d failed checks: add a rollout webhook that runs a load test against the canary (e.g. flagger-loadtester with hey)%s",
		t.a.Metrics[i].Name, t.cd.GetAnalysisThreshold(), mirrorHint(t))
}

// mirrored is true when the canary sees a copy of user traffic during
// the iterations; the kubernetes provider cannot mirror.
func (t *target) mirrored() bool { return t.a.Mirror && !t.isKubernetes() }

func mirrorHint(t *target) string {
	if t.isKubernetes() {
		return ""
	}
	return ", or set mirror: true where the provider supports mirroring"
}

// hasLoadHook is true when a rollout hook runs on every analysis tick; any
// such hook may be a load test.
func hasLoadHook(a *v1beta1.CanaryAnalysis) bool {
	return slices.ContainsFunc(a.Webhooks, func(w v1beta1.CanaryWebhook) bool { return w.IsRolloutHook() })
}
