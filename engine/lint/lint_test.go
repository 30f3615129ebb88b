// This file tests every rule on small Canary manifests (each fires and stays quiet once), the
// loader's refusals turned into findings, known-good fixtures, sorting and Locate.

package lint

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// canary is a Canary manifest: spec lines (provider, progressDeadlineSeconds)
// and the analysis block, both written from column 0 and indented here.
// With no spec lines, "analysis:" is line 13 and the block starts on line 14.
func canary(spec, analysis string) string {
	return `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: podinfo
  namespace: test
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: podinfo
  service:
    port: 9898
` + indent(spec, "  ") + "  analysis:\n" + indent(analysis, "    ")
}

// deployment is the Canary's target, whose pods need readyAfter seconds of
// readiness-probe delay and minReady seconds of minReadySeconds.
func deployment(readyAfter, minReady int) string {
	return fmt.Sprintf(`---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: test
spec:
  minReadySeconds: %d
  selector:
    matchLabels: {app: podinfo}
  template:
    metadata:
      labels: {app: podinfo}
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.0.0
          readinessProbe:
            httpGet: {path: /readyz, port: 9898}
            initialDelaySeconds: %d
            periodSeconds: 5
`, minReady, readyAfter)
}

func indent(block, by string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		if line != "" {
			b.WriteString(by + line + "\n")
		}
	}
	return b.String()
}

func template(name, query string) string {
	return `---
apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: ` + name + `
  namespace: test
spec:
  provider:
    type: prometheus
    address: http://prometheus.test:9090
  query: '` + query + `'
`
}

// good is an analysis no rule fires on: 5 steps of 1m, well inside 600s.
const good = `
interval: 1m
threshold: 5
maxWeight: 50
stepWeight: 10
metrics:
  - name: request-success-rate
    thresholdRange:
      min: 99
    interval: 1m
`

// with replaces one line of good.
func with(old, new string) string {
	if !strings.Contains(good, old) {
		panic("good has no " + old)
	}
	return strings.Replace(good, old, new, 1)
}

const metricsLine = "metrics:\n"

// check lints one file the way `rehearse lint` does: the loader's refusals
// that are rules become findings; any other refusal fails the test.
func check(t *testing.T, yaml string) []Finding {
	t.Helper()
	set, err := manifest.Parse("canary.yaml", []byte(yaml))
	if err != nil {
		findings, rest := FromLoadError(err)
		if rest != nil {
			t.Fatalf("the loader refused the manifest:\n%v\n%s", rest, yaml)
		}
		return findings
	}
	return Locate(Lint(set, Options{}), map[string][]byte{"canary.yaml": []byte(yaml)})
}

var ruleCases = []struct {
	rule, name, yaml string
	want             string // a part of the message; "" means the rule must not fire
	severity         string // when it fires; "" means the rule's usual one
	line             int    // when it fires and is not 0
}{
	{RuleMetricSource, "unknown metric name", canary("", with("request-success-rate", "request-sucess-rate")),
		`"request-sucess-rate" has no builtin name, templateRef or query: add one; did you mean "request-success-rate"?`, "", 19},
	{RuleMetricSource, "builtin name", canary("", good), "", "", 0},

	{RuleTemplateMissing, "typo in templateRef", canary("", with(metricsLine, metricsLine+"  - name: latency\n    templateRef:\n      name: latencyy\n")) + template("latency", "up"),
		`MetricTemplate test/latencyy is not in the manifests: add it or fix the name; did you mean "test/latency"?`, "", 21},
	{RuleTemplateMissing, "no templates linted at all", canary("", with(metricsLine, metricsLine+"  - name: latency\n    templateRef:\n      name: latency\n")),
		"the linted files hold no MetricTemplate at all", SeverityWarning, 21},
	{RuleTemplateMissing, "template present", canary("", with(metricsLine, metricsLine+"  - name: latency\n    templateRef:\n      name: latency\n")) + template("latency", "up"),
		"", "", 0},

	{RuleTemplateRender, "missing template variable", canary("", with(metricsLine, metricsLine+"  - name: errors\n    templateRef:\n      name: errors\n    templateVariables:\n      cluster: dev\n")) + template("errors", `up{region="{{ variables.region }}"}`),
		"uses variables.region, which the metric's templateVariables does not set", "", 22},
	{RuleTemplateRender, "template that does not parse", canary("", with(metricsLine, metricsLine+"  - name: errors\n    templateRef:\n      name: errors\n")) + template("errors", `up{ns="{{ namespace "}`),
		"cannot be rendered", "", 0},
	{RuleTemplateRender, "every variable set", canary("", with(metricsLine, metricsLine+"  - name: errors\n    templateRef:\n      name: errors\n    templateVariables:\n      region: eu\n")) + template("errors", `up{region="{{ variables.region }}",ns="{{ namespace }}"}`),
		"", "", 0},

	{RuleNeverPromotes, "no step at all", canary("provider: istio", "interval: 1m\nmaxWeight: 50"),
		"never gets past weight 0 and is never promoted: set stepWeight", "", 14},
	{RuleNeverPromotes, "no provider: may be kubernetes", canary("", "interval: 1m"),
		"unless Flagger runs with -mesh-provider=kubernetes", "", 0},
	{RuleNeverPromotes, "kubernetes provider runs 10 iterations", canary("provider: kubernetes", "interval: 1m"), "", "", 0},
	{RuleNeverPromotes, "iterations", canary("provider: istio", "interval: 1m\niterations: 5"), "", "", 0},
	{RuleNeverPromotes, "skipAnalysis promotes at once", canary("skipAnalysis: true", "interval: 1m"), "", "", 0},
	{RuleNeverPromotes, "stepWeights", canary("provider: istio", "interval: 1m\nstepWeights: [5, 10, 50]"), "", "", 0},

	{RuleFirstStepAboveMax, "step above max", canary("", with("stepWeight: 10", "stepWeight: 60")),
		"stepWeight 60 is above maxWeight 50: Flagger's first step sends 60% of the traffic to the canary, then promotes", "", 17},
	{RuleFirstStepAboveMax, "step equal to max", canary("", with("stepWeight: 10", "stepWeight: 50")), "", "", 0},

	{RuleStepOvershoot, "max not a multiple of step", canary("", with("stepWeight: 10", "stepWeight: 20")),
		"steps of 20 reach 60%, past maxWeight 50", "", 16},
	{RuleStepOvershoot, "max a multiple of step", canary("", good), "", "", 0},

	{RuleScrapeInterval, "a builtin over one scrape", canary("", with("    interval: 1m\n", "    interval: 5s\n")),
		`metric "request-success-rate" reads a 5s window, shorter than two scrapes of a Prometheus that scrapes every 5s`, "", 22},
	{RuleScrapeInterval, "two scrapes", canary("", with("    interval: 1m\n", "    interval: 10s\n")), "", "", 0},
	{RuleScrapeInterval, "a template that reads its interval", canary("", with(metricsLine, metricsLine+"  - name: errors\n    templateRef:\n      name: errors\n    interval: 8s\n")) + template("errors", `sum(rate(errors_total[{{ interval }}]))`),
		"set interval: 10s or longer", "", 22},
	{RuleScrapeInterval, "a template that does not", canary("", with(metricsLine, metricsLine+"  - name: errors\n    templateRef:\n      name: errors\n    interval: 8s\n")) + template("errors", `sum(rate(errors_total[1m]))`),
		"", "", 0},

	{RuleBudget, "a subquery at a millisecond step", canary("", with(metricsLine, metricsLine+"  - name: errors\n    templateRef:\n      name: errors\n    interval: 1m\n")) + template("errors", `count_over_time(vector(1)[7d:1ms])`),
		"over the query budget of 11000 points", "", 20},
	{RuleBudget, "an integer range", canary("", with(metricsLine, metricsLine+"  - name: errors\n    templateRef:\n      name: errors\n    interval: 1m\n")) + template("errors", `{{ range 2000000000 }}{{ end }}1`),
		"more than 100000 steps", "", 20},
	{RuleBudget, "a subquery in budget", canary("", with(metricsLine, metricsLine+"  - name: errors\n    templateRef:\n      name: errors\n    interval: 1m\n")) + template("errors", `max_over_time(rate(x[1m])[1h:1m])`),
		"", "", 0},

	{RuleStepWeightsOrder, "descending step", canary("", with("stepWeight: 10", "stepWeights: [10, 30, 20]")),
		"spec.analysis.stepWeights[2]: 20 does not follow 30", "", 17},
	{RuleStepWeightsOrder, "ascending steps", canary("", with("stepWeight: 10", "stepWeights: [10, 20, 30]")), "", "", 0},

	// Flagger's own e2e Canaries run analyses far longer than their deadline:
	// that is never a finding, only pods that cannot be ready in time are.
	{RuleProgressDeadline, "analysis longer than the deadline", canary("progressDeadlineSeconds: 60", good) + deployment(5, 0), "", "", 0},
	{RuleProgressDeadline, "readiness probe slower than the deadline", canary("progressDeadlineSeconds: 60", good) + deployment(90, 0),
		"cannot be available before 1m30s (container podinfo's readinessProbe passes at 1m30s at the earliest), but the progress deadline is 1m0s", "", 13},
	{RuleProgressDeadline, "minReadySeconds pushes it past", canary("progressDeadlineSeconds: 60", good) + deployment(30, 40),
		"then minReadySeconds 40", "", 0},
	{RuleProgressDeadline, "inside the default deadline", canary("", good) + deployment(90, 0), "", "", 0},
	{RuleProgressDeadline, "no target Deployment in the files", canary("progressDeadlineSeconds: 10", good), "", "", 0},

	{RuleWebhookType, "misspelt type", canary("", good+"webhooks:\n  - name: smoke\n    type: pre-rolout\n    url: http://loadtester.test/\n"),
		`"pre-rolout" is not a webhook type`, "", 25},
	{RuleWebhookType, "known type", canary("", good+"webhooks:\n  - name: smoke\n    type: pre-rollout\n    url: http://loadtester.test/\n"), "", "", 0},

	{RuleThresholdRange, "min above max", canary("", with("min: 99", "min: 99\n      max: 90")), "min 99 is above max 90", "", 0},
	{RuleThresholdRange, "min below max", canary("", with("min: 99", "min: 90\n      max: 99")), "", "", 0},

	{RuleIntervalFloor, "5s", canary("", with("interval: 1m\nthreshold", "interval: 5s\nthreshold")),
		"interval 5s is below Flagger's floor of 10s", "", 14},
	{RuleIntervalFloor, "10s", canary("", with("interval: 1m\nthreshold", "interval: 10s\nthreshold")), "", "", 0},

	{RuleKubernetesMatch, "kubernetes with match", canary("provider: kubernetes", "interval: 1m\niterations: 5\nmatch:\n  - headers:\n      x-canary:\n        exact: insider\n"+loadHook),
		"Flagger drops these match conditions and runs a blue-green rollout", "", 17},
	{RuleKubernetesMatch, "istio with match", canary("provider: istio", "interval: 1m\niterations: 5\nmatch:\n  - headers:\n      x-canary:\n        exact: insider\n"), "", "", 0},

	{RuleKubernetesWeights, "kubernetes with weights", canary("provider: kubernetes", good+loadHook),
		"Flagger ignores stepWeight 10 and maxWeight 50", "", 0},
	{RuleKubernetesWeights, "kubernetes with iterations", canary("provider: kubernetes", "interval: 1m\niterations: 10"), "", "", 0},

	{RuleIterationsOverride, "iterations and stepWeight", canary("provider: istio", "interval: 1m\niterations: 5\nstepWeight: 10"),
		"iterations 5 makes this a blue-green rollout, and Flagger ignores stepWeight 10", "", 16},
	{RuleIterationsOverride, "iterations alone", canary("provider: istio", "interval: 1m\niterations: 5"), "", "", 0},

	{RuleNoTraffic, "kubernetes blue/green without load", canary("provider: kubernetes", "interval: 1m\niterations: 5\nmetrics:\n  - name: request-duration\n    thresholdRange:\n      max: 500\n"),
		"request-duration will find no values and the canary rolls back after 1 failed checks", "", 18},
	{RuleNoTraffic, "with a load test", canary("provider: kubernetes", "interval: 1m\niterations: 5\nmetrics:\n  - name: request-duration\n    thresholdRange:\n      max: 500\n"+loadHook), "", "", 0},
	{RuleNoTraffic, "mirrored", canary("provider: istio", "interval: 1m\niterations: 5\nmirror: true\nmetrics:\n  - name: request-duration\n    thresholdRange:\n      max: 500\n"), "", "", 0},
	{RuleNoTraffic, "progressive canary gets user traffic", canary("provider: istio", good), "", "", 0},

	{RuleMetricUnits, "success rate as a ratio", canary("", with("min: 99", "min: 0.99")),
		"so 0.99 lets a canary with 0.99% successful requests pass: write 99", "", 21},
	{RuleMetricUnits, "no float noise", canary("", with("min: 99", "min: 0.995")), "write 99.5", "", 0},
	// Never suggest 100: it rolls back on any single failed request.
	{RuleMetricUnits, "a ratio of one", canary("", with("min: 99", "min: 1")), "write a percentage such as 99 (100 would roll back on any single failed request)", "", 0},
	{RuleMetricUnits, "success rate above 100", canary("", with("min: 99", "min: 990")), "can never pass", "", 0},
	{RuleMetricUnits, "duration in seconds", canary("", with(metricsLine, metricsLine+"  - name: request-duration\n    threshold: 0.5\n")),
		"a maximum of 0.5 fails every check: write 500 for 0.5s", "", 20},
	{RuleMetricUnits, "percent and milliseconds", canary("", with(metricsLine, metricsLine+"  - name: request-duration\n    thresholdRange:\n      max: 500\n")), "", "", 0},

	{RuleTemplateProvider, "cloudwatch without a region", canary("", with(metricsLine, metricsLine+templateMetric("cw", "1m"))) +
		providerTemplate("cw", "cloudwatch", "", `[{"Id": "e1", "Expression": "1"}]`), "cloudwatch needs spec.provider.region", "", 0},
	{RuleTemplateProvider, "cloudwatch query not an array", canary("", with(metricsLine, metricsLine+templateMetric("cw", "1m"))) +
		providerTemplate("cw", "cloudwatch", "region: eu-west-1", `{"Id": "e1"}`), "not a JSON array of MetricDataQuery", "", 0},
	{RuleTemplateProvider, "datadog interval Flagger cannot parse", canary("", with(metricsLine, metricsLine+templateMetric("dd", "1d"))) +
		providerTemplate("dd", "datadog", "address: https://api.datadoghq.com\n    secretRef: {name: dd}", `sum:trace.http.request.hits{service:{{ target }}}`), `"1d" is not a Go duration`, "", 0},
	{RuleTemplateProvider, "new relic with its own SINCE", canary("", with(metricsLine, metricsLine+templateMetric("nr", "1m"))) +
		providerTemplate("nr", "newrelic", "secretRef: {name: nr}", `SELECT percentage(count(*), WHERE httpResponseCode >= 500) FROM Transaction SINCE 1 minute ago`), "SINCE clause of its own", "", 0},
	{RuleTemplateProvider, "datadog without a secret", canary("", with(metricsLine, metricsLine+templateMetric("dd", "1m"))) +
		providerTemplate("dd", "datadog", "address: https://api.datadoghq.com", `sum:trace.http.request.hits{service:{{ target }}}`), `datadog needs a secretRef whose secret holds "datadog_api_key"`, "", 0},
	{RuleTemplateProvider, "datadog as Flagger reads it", canary("", with(metricsLine, metricsLine+templateMetric("dd", "1m"))) +
		providerTemplate("dd", "datadog", "address: https://api.datadoghq.com\n    secretRef: {name: dd}", `sum:trace.http.request.hits{service:{{ target }}}`), "", "", 0},
	// Flagger's API takes interval: 1min (its pattern is not anchored at the
	// end); Prometheus refuses it in a range, Graphite reads it.
	{RuleTemplateProvider, "builtin metric with a 1min interval", canary("", with("    interval: 1m\n", "    interval: 1min\n")),
		`interval "1min" is not a Prometheus duration`, "", 22},
	{RuleTemplateProvider, "prometheus template with a 1min interval", canary("", with(metricsLine, metricsLine+templateMetric("errors", "1min"))) + template("errors", `sum(rate(http_requests_total[{{ interval }}]))`),
		"Prometheus refuses the rendered query", "", 0},
	{RuleTemplateProvider, "graphite template with a 1min interval", canary("", with(metricsLine, metricsLine+templateMetric("gr", "1min"))) +
		providerTemplate("gr", "graphite", "address: http://graphite.example", `sumSeries(stats.{{ target }}.5xx)`), "", "", 0},

	{RuleProvider, "misspelt provider", canary("provider: ngnix", good), `did you mean "nginx"?`, "", 13},
	{RuleProvider, "known provider", canary("provider: nginx", good), "", "", 0},
}

func templateMetric(name, interval string) string {
	return "  - name: " + name + "\n    templateRef:\n      name: " + name + "\n    interval: " + interval + "\n    thresholdRange:\n      max: 1\n"
}

func providerTemplate(name, provider, extra, query string) string {
	return `---
apiVersion: flagger.app/v1beta1
kind: MetricTemplate
metadata:
  name: ` + name + `
  namespace: test
spec:
  provider:
    type: ` + provider + `
    ` + extra + `
  query: '` + query + `'
`
}

const loadHook = `webhooks:
  - name: load-test
    url: http://loadtester.test/
`

func TestRules(t *testing.T) {
	for _, tc := range ruleCases {
		t.Run(tc.rule+"/"+tc.name, func(t *testing.T) {
			got := withRule(check(t, tc.yaml), tc.rule)
			if tc.want == "" {
				if len(got) > 0 {
					t.Fatalf("%s fired: %+v", tc.rule, got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("want one %s finding, got %+v\n%s", tc.rule, got, tc.yaml)
			}
			assertFinding(t, got[0], tc.want, tc.severity, tc.line)
		})
	}
}

func assertFinding(t *testing.T, f Finding, want, severity string, line int) {
	t.Helper()
	if !strings.Contains(f.Message, want) {
		t.Errorf("message %q does not contain %q", f.Message, want)
	}
	if severity == "" {
		severity = severityOf(f.Rule)
	}
	if f.Severity != severity {
		t.Errorf("severity %s, want %s", f.Severity, severity)
	}
	if line != 0 && f.Line != line {
		t.Errorf("line %d, want %d (field %s)", f.Line, line, f.Field)
	}
	if f.File != "canary.yaml" {
		t.Errorf("file %q, want canary.yaml", f.File)
	}
}

func withRule(findings []Finding, rule string) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// TestEveryRuleIsExercised keeps ruleCases honest: each rule has a case
// that fires and one that does not.
func TestEveryRuleIsExercised(t *testing.T) {
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range ruleCases {
		if tc.want != "" {
			fires[tc.rule] = true
		} else {
			quiet[tc.rule] = true
		}
	}
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		seen[r.ID] = true
		if r.ID == RuleSetCheck {
			continue // Set.Validate has no check without a rule yet
		}
		if !fires[r.ID] || !quiet[r.ID] {
			t.Errorf("rule %s needs a case that fires and one that does not", r.ID)
		}
	}
}

// TestScrapeIntervalStated: with the user's own scrape interval, a 15s
// metric interval is one scrape of a 15s Prometheus.
func TestScrapeIntervalStated(t *testing.T) {
	yaml := canary("", with("    interval: 1m\n", "    interval: 15s\n"))
	set, err := manifest.Parse("canary.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if got := withRule(Lint(set, Options{}), RuleScrapeInterval); len(got) != 0 {
		t.Errorf("fired at the default 5s scrape: %+v", got)
	}
	got := withRule(Lint(set, Options{ScrapeInterval: 15 * time.Second}), RuleScrapeInterval)
	if len(got) != 1 || !strings.Contains(got[0].Message, "scrapes every 15s") || !strings.Contains(got[0].Message, "interval: 30s") {
		t.Errorf("findings %+v, want one for a 15s scrape", got)
	}
}

func TestFromLoadErrorKeepsInputErrors(t *testing.T) {
	yaml := canary("", with("threshold: 5", "treshold: 5"))
	_, err := manifest.Parse("canary.yaml", []byte(yaml))
	findings, rest := FromLoadError(err)
	if len(findings) != 0 || rest == nil || !strings.Contains(rest.Error(), `did you mean "threshold"?`) {
		t.Fatalf("FromLoadError = %+v, %v; want no finding and the unknown field", findings, rest)
	}
	var me manifest.Errors
	if !errors.As(rest, &me) {
		t.Errorf("rest is a %T, want manifest.Errors", rest)
	}
}

func TestFromLoadErrorSplits(t *testing.T) {
	yaml := canary("", with("threshold: 5", "treshold: 5")+"webhooks:\n  - name: x\n    type: rolout\n    url: http://x.test/\n")
	_, err := manifest.Parse("canary.yaml", []byte(yaml))
	findings, rest := FromLoadError(err)
	if len(findings) != 1 || findings[0].Rule != RuleWebhookType || rest == nil || strings.Contains(rest.Error(), "rolout") {
		t.Fatalf("FromLoadError = %+v, %v; want the webhook type as a finding and the unknown field as the rest", findings, rest)
	}
	if f, rest := FromLoadError(nil); f != nil || rest != nil {
		t.Errorf("FromLoadError(nil) = %v, %v", f, rest)
	}
}

// TestKnownGoodManifests: the loader's valid examples and the podinfo
// fixtures must lint without an error (warnings are allowed).
func TestKnownGoodManifests(t *testing.T) {
	for _, pattern := range []string{"../manifest/testdata/valid-*.yaml", "../../fixtures/podinfo/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		if len(files) == 0 {
			t.Fatalf("no files match %s", pattern)
		}
		for _, f := range files {
			set, err := manifest.LoadFiles(f)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for _, finding := range Lint(set, Options{}) {
				if finding.Severity == SeverityError {
					t.Errorf("%s: %+v", f, finding)
				}
			}
		}
	}
}

func TestLintSortsAndNamesTheObject(t *testing.T) {
	set, err := manifest.Parse("canary.yaml", []byte(canary("provider: kubernetes", "interval: 5s\nstepWeight: 10")))
	if err != nil {
		t.Fatal(err)
	}
	got := Lint(set, Options{})
	if len(got) < 2 {
		t.Fatalf("want several findings, got %+v", got)
	}
	for i, f := range got {
		if f.Object != "Canary/test/podinfo" || f.Line != 1 {
			t.Errorf("finding %d: object %q line %d, want Canary/test/podinfo at line 1 before Locate", i, f.Object, f.Line)
		}
		if i > 0 && got[i-1].Rule > f.Rule {
			t.Errorf("not sorted by rule: %s before %s", got[i-1].Rule, f.Rule)
		}
	}
	if Lint(nil, Options{}) != nil {
		t.Error("Lint(nil, Options{}) found something")
	}
}

// TestDeprecatedAnalysisAlias: findings name the field where the user
// wrote the analysis, and Locate finds its line.
func TestDeprecatedAnalysisAlias(t *testing.T) {
	yaml := strings.Replace(canary("", with("stepWeight: 10", "stepWeight: 60")), "  analysis:", "  canaryAnalysis:", 1)
	got := withRule(check(t, yaml), RuleFirstStepAboveMax)
	if len(got) != 1 || got[0].Field != "spec.canaryAnalysis.stepWeight" || got[0].Line != 17 {
		t.Fatalf("got %+v, want one RH005 on spec.canaryAnalysis.stepWeight at line 17", got)
	}
}

func TestLocateKeepsLinesItCannotRefine(t *testing.T) {
	in := []Finding{
		{Rule: RuleIntervalFloor, File: "other.yaml", Line: 3, Field: "spec.analysis.interval"},
		{Rule: RuleIntervalFloor, File: "canary.yaml", Line: 1},
	}
	got := Locate(in, map[string][]byte{"canary.yaml": []byte(canary("", good))})
	if got[0].Line != 1 || got[1].Line != 3 {
		t.Fatalf("Locate moved findings it had no file or field for: %+v", got)
	}
}
