// This file validates each object on its own (targets, provider, analysis, metrics, webhooks,
// alerts) and, in Set.Validate, what needs the whole set: template references and target kinds.

package manifest

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// Builtin metric names every provider knows.
const (
	RequestSuccessRate = "request-success-rate"
	RequestDuration    = "request-duration"
)

// BuiltinMetrics lists the metric names that need no template or query.
var BuiltinMetrics = []string{RequestSuccessRate, RequestDuration}

var targetKinds = []string{"Deployment", "DaemonSet", "Service"}

// checker collects the problems of one document.
type checker struct {
	d    *Doc
	errs Errors
}

func (c *checker) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, c.d.Errorf(path, format, args...))
}

func validateObject(d *Doc, o object) Errors {
	c := &checker{d: d}
	switch o := o.(type) {
	case *v1beta1.Canary:
		c.canary(o)
	case *v1beta1.MetricTemplate:
		c.metricTemplate(o)
	case *v1beta1.AlertProvider:
		c.alertProvider(o)
	}
	return c.errs
}

func (c *checker) canary(cd *v1beta1.Canary) {
	if err := CheckProvider(cd.Spec.Provider); err != nil {
		c.errorf("spec.provider", "%v", err)
	}
	c.targetRef(cd.Spec.TargetRef)
	c.knative(cd)
	c.autoscalerRef(cd.Spec.AutoscalerRef)
	if p := cd.Spec.Service.Port; !cd.Spec.TargetRef.IsKnativeService() && (p < 1 || p > 65535) {
		c.errorf("spec.service.port", "must be a port number (1-65535): set the port the apex service listens on")
	}
	if pds := cd.Spec.ProgressDeadlineSeconds; pds != nil && *pds <= 0 {
		c.errorf("spec.progressDeadlineSeconds", "must be positive (Flagger's default is 600)")
	}
	if cd.Spec.Analysis != nil && cd.Spec.CanaryAnalysis != nil {
		c.errorf("spec.canaryAnalysis", "deprecated alias of spec.analysis, which is also set and wins: remove canaryAnalysis")
	}
	if a := cd.GetAnalysis(); a != nil {
		c.analysis(AnalysisPath(cd), a)
	}
}

// AnalysisPath is where the Canary's analysis is written: spec.analysis, or
// the deprecated spec.canaryAnalysis.
func AnalysisPath(cd *v1beta1.Canary) string {
	if cd.Spec.Analysis == nil && cd.Spec.CanaryAnalysis != nil {
		return "spec.canaryAnalysis"
	}
	return "spec.analysis"
}

// Providers Flagger routes for, by exact name or (for versioned ones) by prefix.
var (
	exactProviders  = []string{"istio", "linkerd", "appmesh", "contour", "knative", "nginx", "skipper", "traefik", "apisix", "osm", "kuma", "kubernetes"}
	prefixProviders = []string{"appmesh:v1beta2", "smi:v1alpha1", "smi:v1alpha2", "smi:v1alpha3", "gloo", "gatewayapi:v1beta1", "gatewayapi:v1"}
)

// CheckProvider accepts the providers Flagger knows and the empty string
// (the controller's default). Flagger itself only logs an unknown provider
// and routes with Istio, which is never what a typo meant.
func CheckProvider(p string) error {
	if p == "" || slices.Contains(exactProviders, p) {
		return nil
	}
	for _, prefix := range prefixProviders {
		if strings.HasPrefix(p, prefix) {
			return nil
		}
	}
	known := append(slices.Clone(exactProviders), "gatewayapi:v1", "appmesh:v1beta2", "gloo", "smi:v1alpha3")
	return fmt.Errorf("%q is not a provider Flagger knows (it would fall back to istio): use one of %s%s", p, strings.Join(known, ", "), didYouMean(p, known))
}

// targetRef accepts the targets rehearse rehearses: Deployments and
// DaemonSets (Flagger reads them through apps/v1 whatever apiVersion the
// reference gives) and Knative Services. Flagger also rolls out Kubernetes
// Services (its ServiceController); rehearse cannot, and says so here, so
// that every command refuses such a Canary alike instead of rehearsing
// something else.
func (c *checker) targetRef(ref v1beta1.LocalObjectReference) {
	if ref.Name == "" {
		c.errorf("spec.targetRef.name", "missing: name the Deployment, DaemonSet or Service to roll out")
	}
	switch {
	case !slices.Contains(targetKinds, ref.Kind):
		c.errorf("spec.targetRef.kind", "%q is not a kind Flagger rolls out: use Deployment, DaemonSet or Service%s", ref.Kind, didYouMean(ref.Kind, targetKinds))
	case ref.Kind == "Service" && !ref.IsKnativeService() && strings.HasPrefix(ref.APIVersion, "serving.knative.dev/"):
		c.errorf("spec.targetRef.apiVersion", "%q is not the Knative API Flagger reads (serving.knative.dev/v1); with it, Flagger would treat the target as a Kubernetes Service: write apiVersion: serving.knative.dev/v1", ref.APIVersion)
	case ref.Kind == "Service" && !ref.IsKnativeService():
		c.errorf("spec.targetRef.kind", "a Kubernetes Service target (apiVersion %q; Flagger's ServiceController, which copies the Service's spec) cannot be rehearsed: "+
			"rehearse rehearses Deployment, DaemonSet and Knative Service (apiVersion: serving.knative.dev/v1) targets", ref.APIVersion)
	}
}

// knative is Flagger's verifyKnativeCanary: a Knative Service target and the
// knative provider go together, and such a Canary has no autoscalerRef.
// Flagger compares the Canary's own provider field, not its -mesh-provider.
func (c *checker) knative(cd *v1beta1.Canary) {
	isKnative, provider := cd.Spec.TargetRef.IsKnativeService(), cd.Spec.Provider
	switch {
	case isKnative && provider != v1beta1.KnativeProvider:
		c.errorf("spec.provider", "a Knative Service target needs provider: knative (Flagger refuses this Canary: can't use %q provider with Knative Service as target)", provider)
	case !isKnative && provider == v1beta1.KnativeProvider:
		c.errorf("spec.targetRef", "provider knative routes between the revisions of a Knative Service: target apiVersion: %s, kind: Service "+
			"(Flagger refuses this Canary: can't use %s/%s as target if provider is set to knative)", v1beta1.KnativeServiceAPIVersion, cd.Spec.TargetRef.APIVersion, cd.Spec.TargetRef.Kind)
	case isKnative && cd.Spec.AutoscalerRef != nil:
		c.errorf("spec.autoscalerRef", "a Knative Service scales itself: remove autoscalerRef (Flagger refuses this Canary: can't use autoscaler with Knative Service)")
	}
}

// autoscalerKinds are the scalers Flagger copies for the primary.
var autoscalerKinds = []string{"HorizontalPodAutoscaler", "ScaledObject"}

func (c *checker) autoscalerRef(ref *v1beta1.AutoscalerReference) {
	if ref == nil {
		return
	}
	if ref.Name == "" {
		c.errorf("spec.autoscalerRef.name", "missing: name the HorizontalPodAutoscaler or ScaledObject of the target")
	}
	if !slices.Contains(autoscalerKinds, ref.Kind) {
		c.errorf("spec.autoscalerRef.kind", "%q is not a scaler Flagger copies for the primary: use HorizontalPodAutoscaler or ScaledObject%s", ref.Kind, didYouMean(ref.Kind, autoscalerKinds))
	}
}

func (c *checker) analysis(p string, a *v1beta1.CanaryAnalysis) {
	c.goDuration(p+".interval", a.Interval)
	c.weights(p, a)
	c.percent(p+".primaryReadyThreshold", a.PrimaryReadyThreshold)
	c.percent(p+".canaryReadyThreshold", a.CanaryReadyThreshold)
	if a.Iterations < 0 {
		c.errorf(p+".iterations", "must not be negative")
	}
	if a.Threshold < 0 {
		c.errorf(p+".threshold", "%d is negative: give the number of failed checks before a rollback, 1 or more (Flagger treats anything below 1 as 1)", a.Threshold)
	}
	c.metrics(p, a.Metrics)
	c.webhooks(p, a.Webhooks)
	c.alerts(p, a.Alerts)
}

func (c *checker) weights(p string, a *v1beta1.CanaryAnalysis) {
	c.weight(p+".maxWeight", a.MaxWeight)
	c.weight(p+".stepWeight", a.StepWeight)
	c.weight(p+".stepWeightPromotion", a.StepWeightPromotion)
	c.weight(p+".mirrorWeight", a.MirrorWeight)
	for i, w := range a.StepWeights {
		path := fmt.Sprintf("%s.stepWeights[%d]", p, i)
		switch {
		case w < 1 || w > 100:
			c.errorf(path, "%d is not a weight: each step is a percentage from 1 to 100", w)
		case i > 0 && w <= a.StepWeights[i-1]:
			c.errorf(path, "%d does not follow %d: list the steps in ascending order", w, a.StepWeights[i-1])
		}
	}
}

func (c *checker) weight(path string, w int) {
	if w < 0 || w > 100 {
		c.errorf(path, "%d is not a weight: use a percentage from 0 to 100", w)
	}
}

func (c *checker) percent(path string, v *int) {
	if v != nil && (*v < 0 || *v > 100) {
		c.errorf(path, "%d is not a percentage: use 0 to 100", *v)
	}
}

// goDuration checks a duration Flagger parses with Go's time.ParseDuration.
func (c *checker) goDuration(path, s string) {
	if s == "" {
		return
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		c.errorf(path, "%q is not a duration: write e.g. 30s, 1m or 1m30s", s)
	case d <= 0:
		c.errorf(path, "%q must be longer than zero", s)
	}
}

func (c *checker) metrics(p string, metrics []v1beta1.CanaryMetric) {
	seen := map[string]int{}
	for i, m := range metrics {
		path := fmt.Sprintf("%s.metrics[%d]", p, i)
		c.metric(path, m)
		if first, ok := seen[m.Name]; ok && m.Name != "" {
			c.errorf(path+".name", "metric %q is listed twice (also metrics[%d]): rename or remove one", m.Name, first)
		}
		seen[m.Name] = i
	}
}

func (c *checker) metric(path string, m v1beta1.CanaryMetric) {
	if m.Name == "" {
		c.errorf(path+".name", "missing: name the metric")
	}
	c.metricInterval(path+".interval", m.Interval)
	if r := m.ThresholdRange; r != nil && r.Min != nil && r.Max != nil && *r.Min > *r.Max {
		c.errorf(path+".thresholdRange", "min %v is above max %v: no value could pass", *r.Min, *r.Max)
	}
	if m.TemplateRef != nil && m.TemplateRef.Name == "" {
		c.errorf(path+".templateRef.name", "missing: name the MetricTemplate")
	}
	if m.Name != "" && !IsBuiltinMetric(m.Name) && m.TemplateRef == nil && m.Query == "" {
		c.errorf(path+".name", "metric %q has no builtin name, templateRef or query: add one%s", m.Name, didYouMean(m.Name, BuiltinMetrics))
	}
}

// IsBuiltinMetric is true for the metric names that need no template.
func IsBuiltinMetric(name string) bool { return slices.Contains(BuiltinMetrics, name) }

// flaggerInterval is the Canary CRD's pattern for a metric interval: it is
// not anchored at the end, so the API server takes "1min" (which Graphite
// and New Relic understand) and Flagger hands it to the template as written.
var flaggerInterval = regexp.MustCompile(`^[0-9]+(m|s)`)

// metricInterval accepts what Flagger's API accepts, plus Go durations and
// Prometheus ones (1d, 1w), since the interval ends up in a range selector.
// Whether the metric's provider understands it is lint's to say (RH018).
func (c *checker) metricInterval(path, s string) {
	if s == "" || flaggerInterval.MatchString(s) {
		return
	}
	if _, err := model.ParseDuration(s); err == nil {
		return
	}
	c.goDuration(path, s)
}

func (c *checker) webhooks(p string, hooks []v1beta1.CanaryWebhook) {
	seen := map[string]int{}
	for i, w := range hooks {
		path := fmt.Sprintf("%s.webhooks[%d]", p, i)
		c.webhook(path, w)
		if first, ok := seen[w.Name]; ok && w.Name != "" {
			c.errorf(path+".name", "webhook %q is listed twice (also webhooks[%d]): rename one", w.Name, first)
		}
		seen[w.Name] = i
	}
}

func (c *checker) webhook(path string, w v1beta1.CanaryWebhook) {
	if w.Name == "" {
		c.errorf(path+".name", "missing: name the webhook")
	}
	if w.Type != "" && !slices.Contains(v1beta1.HookTypes, w.Type) {
		c.errorf(path+".type", "%q is not a webhook type: use one of %s%s", w.Type, strings.Join(hookTypeNames(), ", "), didYouMean(string(w.Type), hookTypeNames()))
	}
	c.webhookURL(path+".url", w.URL)
	c.goDuration(path+".timeout", w.Timeout)
	if w.Retries < 0 {
		c.errorf(path+".retries", "must not be negative")
	}
}

func hookTypeNames() []string {
	names := make([]string, len(v1beta1.HookTypes))
	for i, t := range v1beta1.HookTypes {
		names[i] = string(t)
	}
	return names
}

func (c *checker) webhookURL(path, s string) {
	if s == "" {
		c.errorf(path, "missing: give the URL Flagger posts to")
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.errorf(path, "%q is not an http(s) URL: write e.g. http://flagger-loadtester.test/", s)
	}
}

func (c *checker) alerts(p string, alerts []v1beta1.CanaryAlert) {
	for i, a := range alerts {
		path := fmt.Sprintf("%s.alerts[%d]", p, i)
		if a.ProviderRef.Name == "" {
			c.errorf(path+".providerRef.name", "missing: name the AlertProvider")
		}
		switch a.Severity {
		case "", v1beta1.SeverityInfo, v1beta1.SeverityWarn, v1beta1.SeverityError:
		default:
			c.errorf(path+".severity", "%q is not a severity: use info, warn or error", a.Severity)
		}
	}
}

func (c *checker) metricTemplate(t *v1beta1.MetricTemplate) {
	if t.Spec.Provider.Type == "" {
		c.errorf("spec.provider.type", "missing: name the metrics provider (prometheus, datadog, cloudwatch...)")
	}
	if why := metrics.Refusal(t.Spec.Provider.Type); why != "" {
		c.errorf("spec.provider.type", "%s", why) // every command refuses what no command can rehearse
	}
	if strings.TrimSpace(t.Spec.Query) == "" {
		c.errorf("spec.query", "missing: write the query the template runs")
	}
}

func (c *checker) alertProvider(p *v1beta1.AlertProvider) {
	if !slices.Contains(v1beta1.AlertProviderTypes, p.Spec.Type) {
		c.errorf("spec.type", "%q is not an alert provider type: use one of %s%s", p.Spec.Type,
			strings.Join(v1beta1.AlertProviderTypes, ", "), didYouMean(p.Spec.Type, v1beta1.AlertProviderTypes))
	}
}

// Validate checks what needs the whole set: every templateRef must name a
// MetricTemplate in the set. Call it once every file is merged.
func (s *Set) Validate() error {
	var errs Errors
	for _, cd := range s.Canaries {
		errs = append(errs, s.templateRefs(cd)...)
		errs = append(errs, s.targetKind(cd)...)
	}
	return errs.Err()
}

// targetKind catches a targetRef whose kind does not match the object the
// manifests hold under that name: Flagger would look for the wrong kind and
// never initialize.
func (s *Set) targetKind(cd *v1beta1.Canary) Errors {
	ref := cd.Spec.TargetRef
	key := func(kind string) string { return Key(kind, cd.Namespace, ref.Name) }
	want := ref.Kind
	if ref.IsKnativeService() {
		want = KnativeService
	}
	if _, ok := s.Origins[key(want)]; ok {
		return nil
	}
	for _, kind := range []string{"Deployment", "DaemonSet", KnativeService} {
		if o, ok := s.Origins[key(kind)]; ok && kind != want {
			c := &checker{d: s.docs[Key("Canary", cd.Namespace, cd.Name)]}
			c.errorf("spec.targetRef.kind", "%s %s/%s is a %s (%s:%d), not a %s: fix the targetRef", ref.Name, cd.Namespace, ref.Name,
				workloadWord(kind), o.File, o.Line, workloadWord(want))
			return c.errs
		}
	}
	return nil
}

func workloadWord(kind string) string {
	if kind == KnativeService {
		return "Knative Service"
	}
	return kind
}

func (s *Set) templateRefs(cd *v1beta1.Canary) Errors {
	a := cd.GetAnalysis()
	if a == nil {
		return nil
	}
	c := &checker{d: s.docs[Key("Canary", cd.Namespace, cd.Name)]}
	for i, m := range a.Metrics {
		if m.TemplateRef == nil || m.TemplateRef.Name == "" {
			continue
		}
		ns := cmp.Or(m.TemplateRef.Namespace, cd.Namespace)
		if _, err := s.MetricTemplate(ns, m.TemplateRef.Name); err != nil {
			c.errorf(fmt.Sprintf("%s.metrics[%d].templateRef.name", AnalysisPath(cd), i), "%v", err)
		}
	}
	return c.errs
}
