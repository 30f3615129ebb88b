// This file turns the loader's refusals that are lint rules, and Set.Validate's missing templates,
// into findings, so those checks are written once, in engine/manifest.

package lint

import (
	"regexp"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// loaderCheck recognises one of the loader's refusals as a lint rule, by the
// field it is about and the words of its message. The loader's wording is
// matched on purpose: every rule below has a test that loads a real manifest,
// so a change of wording in engine/manifest fails here rather than silently
// turning a finding back into an input error.
type loaderCheck struct {
	rule  string
	field *regexp.Regexp
	says  string
}

var loaderChecks = []loaderCheck{
	{RuleMetricSource, regexp.MustCompile(`\.metrics\[\d+\]\.name$`), "has no builtin name, templateRef or query"},
	{RuleTemplateMissing, regexp.MustCompile(`\.metrics\[\d+\]\.templateRef\.name$`), "is not in the manifests"},
	{RuleStepWeightsOrder, regexp.MustCompile(`\.stepWeights\[\d+\]$`), "does not follow"},
	{RuleWebhookType, regexp.MustCompile(`\.webhooks\[\d+\]\.type$`), "is not a webhook type"},
	{RuleThresholdRange, regexp.MustCompile(`\.metrics\[\d+\]\.thresholdRange$`), "is above max"},
	{RuleProvider, regexp.MustCompile(`^spec\.provider$`), "is not a provider Flagger knows"},
}

// FromLoadError splits an error from manifest.LoadFiles, Parse or
// Set.Validate into findings (the refusals that are lint rules) and the
// rest, which is still the loader's error (nil when nothing is left).
func FromLoadError(err error) ([]Finding, error) {
	var all, rest manifest.Errors
	all.Add(err)
	var findings []Finding
	for _, e := range all {
		if f, ok := classify(e); ok {
			findings = append(findings, f)
		} else {
			rest = append(rest, e)
		}
	}
	sortFindings(findings)
	return findings, rest.Err()
}

func classify(e *manifest.Error) (Finding, bool) {
	for _, c := range loaderChecks {
		if c.field.MatchString(e.Field) && strings.Contains(e.Msg, c.says) {
			return fromError(c.rule, e), true
		}
	}
	return Finding{}, false
}

func fromError(rule string, e *manifest.Error) Finding {
	msg := e.Msg
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	return Finding{Rule: rule, Severity: severityOf(rule), Message: msg, File: e.File, Line: e.Line, Field: e.Field}
}

// setFindings turns Set.Validate's errors into findings. A templateRef to a
// template that is not in the files is an error when the files hold
// templates (a typo, most likely) and a warning when they hold none: then
// the templates are most likely kept elsewhere (a shared namespace, another
// repository), and only the cluster can tell.
func setFindings(set *manifest.Set) []Finding {
	var all manifest.Errors
	all.Add(set.Validate())
	findings := make([]Finding, 0, len(all))
	for _, e := range all {
		f, ok := classify(e)
		if !ok {
			f = fromError(RuleSetCheck, e)
		}
		if f.Rule == RuleTemplateMissing && len(set.MetricTemplates) == 0 {
			f.Severity = SeverityWarning
			f.Message += " (the linted files hold no MetricTemplate at all: lint them together with the files that define the templates)"
		}
		findings = append(findings, f)
	}
	return findings
}
