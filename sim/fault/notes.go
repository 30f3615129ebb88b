// This file words, for the report, what Flagger does with each fault that
// took effect.

package fault

import (
	"fmt"

	"github.com/rehearse-dev/rehearse/scenarios"
)

// Notes say, in words, what Flagger does with each fault that took effect:
// where its behaviour surprises users, the report must say so.
func (p *Plan) Notes() []string {
	var out []string
	for _, f := range p.Taken() {
		out = append(out, fmt.Sprintf("fault %s: %s", f, Meaning(f)))
	}
	return out
}

// Meaning says in one sentence what a fault did to the world and what
// Flagger does about that kind of trouble: one sentence per kind, because a
// malformed answer and an outage reach the engine differently.
func Meaning(f scenarios.Fault) string {
	switch f.Target {
	case scenarios.FaultPrometheus:
		return promMeaning(f) + "; an outage longer than threshold × interval rolls back even a healthy release"
	case scenarios.FaultWebhook:
		return hookMeaning(f)
	case scenarios.FaultKubernetes:
		if f.Kind == "conflict" {
			return "the API server answered 409 Conflict to the engine's writes, as when another writer changed the object first: Flagger re-reads it and tries again on the next tick, counting no failed check, so the rollout is only delayed"
		}
		return "the API server answered 500 to the engine's calls: Flagger logs the error and tries again on the next tick, counting no failed check, so the rollout is only delayed"
	case scenarios.FaultWorkload:
		return workloadMeaning(f)
	}
	return "the controller died in the middle of a tick, after applying part of its decision, and a new one took over: the engine is level-triggered, so the new controller resumed from the Canary status and the cluster"
}

func promMeaning(f scenarios.Fault) string {
	switch f.Kind {
	case "down":
		return "Prometheus refused every connection, so each metric query failed, and Flagger counts a failed query as a failed check"
	case "slow":
		return "Prometheus answered only after the provider's 5s timeout, so each query timed out and counted as a failed check, as in an outage"
	case "status":
		return fmt.Sprintf("Prometheus answered HTTP %d, which Flagger counts as a failed check", f.Status)
	case "malformed":
		return "Prometheus answered a body that is not JSON (a proxy's error page), which Flagger cannot decode and counts as a failed check"
	case "empty":
		return "Prometheus answered no series, which Flagger reads as \"no values found\" and counts as a failed check"
	case "nan":
		return "Prometheus answered NaN, which Flagger reads as \"no values found\" and counts as a failed check"
	case "matrix":
		return "Prometheus answered a range vector where Flagger needs one number, a query error that counts as a failed check"
	}
	return "the canary's series stopped, as when its scrape target disappears; once its last samples left the query's range Flagger found no values, a failed check each tick"
}

func hookMeaning(f scenarios.Fault) string {
	hook := "hook " + f.Hook
	if f.Hook == "" {
		hook = "every hook"
	}
	what := map[string]string{
		"timeout": hook + " gave no answer before its timeout",
		"refused": hook + " refused the connection",
		"flap":    hook + " failed every other call (HTTP 503)",
		"status":  fmt.Sprintf("%s answered HTTP %d", hook, f.Status),
	}[f.Kind]
	if f.Kind == "slow" {
		return hook + " answered just inside its timeout: Flagger takes the answer as it is, so only the tick took longer"
	}
	return what + ": Flagger counts a failing pre-rollout or rollout hook as a failed check, holds the rollout at a failing confirm gate, reads a failing rollback hook as \"do not roll back\" and ignores post-rollout failures"
}

func workloadMeaning(f scenarios.Fault) string {
	what := map[string]string{
		"crash-loop": "the %s's pods crash-looped",
		"flap":       "the %s's readiness came and went every other interval",
	}[f.Kind]
	if what == "" {
		what = "the %s's pods failed their readiness probe"
	}
	what = fmt.Sprintf(what, f.Workload)
	if f.Workload == "primary" {
		return what + ": Flagger rolls back when the primary is not ready past its progress deadline, and a primary lost during promotion fails the promotion with traffic left on the canary"
	}
	return what + ": Flagger counts no failed check while it waits for the canary, then rolls back at once when the progress deadline passes"
}
