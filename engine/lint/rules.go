// This file lists the rules: their ids (RH000 to RH020), severities and descriptions, as `rehearse
// lint --rules` prints them.

package lint

import (
	"cmp"
	"slices"
)

// Rule ids. The numbers only identify; they imply no order of importance.
const (
	RuleMetricSource       = "RH001"
	RuleTemplateMissing    = "RH002"
	RuleTemplateRender     = "RH003"
	RuleNeverPromotes      = "RH004"
	RuleFirstStepAboveMax  = "RH005"
	RuleStepWeightsOrder   = "RH006"
	RuleProgressDeadline   = "RH007"
	RuleWebhookType        = "RH008"
	RuleThresholdRange     = "RH009"
	RuleIntervalFloor      = "RH010"
	RuleKubernetesMatch    = "RH011"
	RuleKubernetesWeights  = "RH012"
	RuleIterationsOverride = "RH013"
	RuleNoTraffic          = "RH014"
	RuleMetricUnits        = "RH015"
	RuleProvider           = "RH016"
	RuleStepOvershoot      = "RH017"
	RuleTemplateProvider   = "RH018"
	RuleScrapeInterval     = "RH019"
	RuleBudget             = "RH020"
	RuleSetCheck           = "RH000"
)

// Rule describes one check, for `rehearse lint --rules`.
type Rule struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	// Loader is true when the manifest loader finds the problem (it refuses
	// the file) and lint only names it; see FromLoadError.
	Loader bool `json:"loader,omitempty"`
}

var rules = []Rule{
	{RuleSetCheck, SeverityError, "a whole-set check of the manifest loader that has no rule of its own", false},
	{RuleMetricSource, SeverityError, "a metric has no builtin name, no templateRef and no query", true},
	{RuleTemplateMissing, SeverityError, "a templateRef names a MetricTemplate that is not in the linted files (a warning when they hold no MetricTemplate at all)", false},
	{RuleTemplateRender, SeverityError, "a MetricTemplate query does not render with the Canary's data (a missing templateVariables key, a template error)", false},
	{RuleNeverPromotes, SeverityError, "a progressive canary that never advances: stepWeight 0 with no stepWeights and no iterations", false},
	{RuleFirstStepAboveMax, SeverityError, "stepWeight above maxWeight: the first step already sends more traffic than maxWeight", false},
	{RuleStepWeightsOrder, SeverityError, "stepWeights are not in ascending order", true},
	{RuleProgressDeadline, SeverityWarning, "the target's pods cannot become available within progressDeadlineSeconds (readiness probe delay, minReadySeconds): Flagger rolls back every release", false},
	{RuleWebhookType, SeverityError, "a misspelt webhook type (the Canary CRD refuses it when applied)", true},
	{RuleThresholdRange, SeverityError, "thresholdRange min is above max: no value can pass", true},
	{RuleIntervalFloor, SeverityWarning, "analysis interval below 10s: Flagger silently uses 10s", false},
	{RuleKubernetesMatch, SeverityWarning, "the kubernetes provider with A/B match conditions: Flagger drops them", false},
	{RuleKubernetesWeights, SeverityWarning, "the kubernetes provider with stepWeight/maxWeight/stepWeights: Flagger runs 10 blue/green iterations instead", false},
	{RuleIterationsOverride, SeverityWarning, "iterations together with stepWeight/maxWeight/stepWeights: iterations win, the weights are ignored", false},
	{RuleNoTraffic, SeverityWarning, "blue/green analysis with builtin request metrics but no rollout hook to send load: no values found, rollback", false},
	{RuleMetricUnits, SeverityWarning, "a builtin metric threshold in the wrong unit (success rate as a ratio, duration in seconds)", false},
	{RuleProvider, SeverityError, "a provider Flagger does not know (Flagger would fall back to istio)", true},
	{RuleStepOvershoot, SeverityWarning, "maxWeight is not a multiple of stepWeight: the last step goes past maxWeight", false},
	{RuleTemplateProvider, SeverityError, "a metric's provider cannot be built for it (a missing region or address, an interval that is not a Go duration) or cannot send its query (PromQL Prometheus refuses, such as a 1min range; CloudWatch JSON, Graphite parameters, a New Relic SINCE clause)", false},
	{RuleBudget, SeverityError, "a MetricTemplate whose rendering or query is over rehearse's budget (template steps or rendered size, subquery points, query size or nesting): every check of it fails, the same way on every machine", false},
	{RuleScrapeInterval, SeverityWarning, "a metric interval shorter than two scrapes of the user's Prometheus (--scrape-interval, default 5s): the check finds no values and Flagger rolls back", false},
}

// Rules lists every rule, by id.
func Rules() []Rule {
	out := slices.Clone(rules)
	slices.SortFunc(out, func(a, b Rule) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// severityOf is a rule's usual severity.
func severityOf(id string) string {
	for _, r := range rules {
		if r.ID == id {
			return r.Severity
		}
	}
	return SeverityError
}
