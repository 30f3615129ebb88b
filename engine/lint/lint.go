// This file is Lint's entry point: the options lint cannot read from the manifests, the list of
// rules run on each Canary, and the target a rule reports its findings on.

package lint

import (
	"fmt"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// Options are what lint cannot read from the manifests.
type Options struct {
	// ScrapeInterval is how often the user's Prometheus scrapes; 0 is
	// DefaultScrapeInterval.
	ScrapeInterval time.Duration
}

// Lint checks every Canary of a Set that loaded, and the references between
// objects, under what the user states about their installation. Findings
// are sorted by file, line and rule. It reads nothing but the Set and opts;
// each finding's line is its object's until Locate refines it.
func Lint(set *manifest.Set, opts Options) []Finding {
	if set == nil {
		return nil
	}
	findings := setFindings(set)
	for _, cd := range set.Canaries {
		findings = append(findings, lintCanary(set, cd, opts)...)
	}
	sortFindings(findings)
	return findings
}

// canaryRules run on each Canary that has an analysis.
var canaryRules = []func(*target){
	checkTemplateRender,
	checkBuiltinQueries,
	checkNeverPromotes,
	checkFirstStepAboveMax,
	checkStepOvershoot,
	checkProgressDeadline,
	checkIntervalFloor,
	checkKubernetesMatch,
	checkKubernetesWeights,
	checkIterationsOverride,
	checkNoTraffic,
	checkMetricUnits,
	checkScrapeInterval,
}

func lintCanary(set *manifest.Set, cd *v1beta1.Canary, opts Options) []Finding {
	a := cd.GetAnalysis()
	if a == nil {
		return nil
	}
	key := manifest.Key("Canary", cd.Namespace, cd.Name)
	t := &target{set: set, cd: cd, a: a, path: manifest.AnalysisPath(cd), key: key, origin: set.Origins[key], scrape: opts.ScrapeInterval}
	for _, rule := range canaryRules {
		rule(t)
	}
	return t.findings
}

// target is one Canary being checked, and what was found so far.
type target struct {
	set      *manifest.Set
	cd       *v1beta1.Canary
	a        *v1beta1.CanaryAnalysis
	path     string // where the analysis is written: spec.analysis or spec.canaryAnalysis
	key      string
	origin   manifest.Object
	scrape   time.Duration // the user's Prometheus scrape interval; 0 is the default
	findings []Finding
}

// report records a finding of the rule's usual severity; field is relative
// to the analysis unless it starts with "spec.".
func (t *target) report(rule, field, format string, args ...any) {
	t.reportAs(rule, severityOf(rule), field, format, args...)
}

func (t *target) reportAs(rule, severity, field, format string, args ...any) {
	t.findings = append(t.findings, Finding{Rule: rule, Severity: severity, Message: fmt.Sprintf(format, args...),
		File: t.origin.File, Line: t.origin.Line, Object: t.key, Field: t.field(field)})
}

func (t *target) field(f string) string {
	if f == "" || strings.HasPrefix(f, "spec.") {
		return f
	}
	return t.path + "." + f
}

// provider is the Canary's provider as written; empty means the
// controller's -mesh-provider flag, which lint cannot see.
func (t *target) provider() string { return t.cd.Spec.Provider }

func (t *target) isKubernetes() bool { return t.provider() == v1beta1.KubernetesProvider }
