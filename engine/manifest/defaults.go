// This file writes Flagger's defaults into a parsed Canary and its metrics, so reports and diffs
// show the values the rollout really uses.

package manifest

import (
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// The defaults as written into objects; v1beta1's getters read the same values.
const (
	defaultAnalysisInterval = "60s"
	defaultWebhookTimeout   = "10s"
)

func applyDefaults(o object) {
	if c, ok := o.(*v1beta1.Canary); ok {
		defaultCanary(c)
	}
}

// defaultCanary writes Flagger's defaults into the Canary, so that a report
// or a diff shows the values the rollout really uses.
func defaultCanary(c *v1beta1.Canary) {
	if c.Spec.ProgressDeadlineSeconds == nil {
		pds := int32(v1beta1.DefaultProgressDeadlineSeconds)
		c.Spec.ProgressDeadlineSeconds = &pds
	}
	a := c.GetAnalysis()
	if a == nil {
		return
	}
	if a.Interval == "" {
		a.Interval = defaultAnalysisInterval
	}
	if a.Threshold <= 0 {
		a.Threshold = v1beta1.DefaultThreshold
	}
	for i := range a.Metrics {
		defaultMetric(&a.Metrics[i], c.Namespace)
	}
	for i := range a.Webhooks {
		if a.Webhooks[i].Timeout == "" {
			a.Webhooks[i].Timeout = defaultWebhookTimeout
		}
	}
}

// defaultMetric fills the interval and, as Flagger does when it looks the
// template up, the templateRef's namespace from the Canary's.
func defaultMetric(m *v1beta1.CanaryMetric, namespace string) {
	if m.Interval == "" {
		m.Interval = v1beta1.DefaultMetricInterval
	}
	if m.TemplateRef != nil && m.TemplateRef.Namespace == "" {
		m.TemplateRef.Namespace = namespace
	}
}
