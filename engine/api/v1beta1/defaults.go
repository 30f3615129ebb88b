// This file holds Flagger's documented defaults and the getters that apply them, and resolves a
// Canary's provider (spec, flag or default) and the strategy it runs under that provider.

package v1beta1

import (
	"time"
)

// Flagger's defaults. The getters below apply them, so the engine reads one
// value whether or not the user wrote the field.
const (
	DefaultAnalysisInterval        = 60 * time.Second
	MinAnalysisInterval            = 10 * time.Second
	DefaultThreshold               = 1
	DefaultMetricInterval          = "1m"
	DefaultProgressDeadlineSeconds = 600
	DefaultReadyThreshold          = 100
	DefaultWebhookTimeout          = 10 * time.Second
	// DefaultIterationsKubernetes is what the kubernetes provider uses when a
	// Canary asks for progressive traffic, which it cannot do.
	DefaultIterationsKubernetes = 10
	// TotalWeight is the sum of the primary and canary route weights.
	TotalWeight = 100
)

// GetAnalysis returns the analysis, falling back to the deprecated alias.
func (c *Canary) GetAnalysis() *CanaryAnalysis {
	if c.Spec.Analysis != nil {
		return c.Spec.Analysis
	}
	return c.Spec.CanaryAnalysis
}

// GetAnalysisInterval is the analysis interval: 60s when unset or unparsable,
// and never below Flagger's 10s floor.
func (c *Canary) GetAnalysisInterval() time.Duration {
	a := c.GetAnalysis()
	if a == nil || a.Interval == "" {
		return DefaultAnalysisInterval
	}
	d, err := time.ParseDuration(a.Interval)
	if err != nil {
		return DefaultAnalysisInterval
	}
	return max(d, MinAnalysisInterval)
}

// GetAnalysisThreshold is the failed-check threshold, 1 when not positive.
func (c *Canary) GetAnalysisThreshold() int {
	if a := c.GetAnalysis(); a != nil && a.Threshold > 0 {
		return a.Threshold
	}
	return DefaultThreshold
}

// GetProgressDeadline is how long a workload may stay not ready.
func (c *Canary) GetProgressDeadline() time.Duration {
	if c.Spec.ProgressDeadlineSeconds != nil {
		return time.Duration(*c.Spec.ProgressDeadlineSeconds) * time.Second
	}
	return DefaultProgressDeadlineSeconds * time.Second
}

// GetCanaryReadyThreshold is the percentage of updated canary replicas that must be available.
func (c *Canary) GetCanaryReadyThreshold() int {
	if a := c.GetAnalysis(); a != nil && a.CanaryReadyThreshold != nil {
		return *a.CanaryReadyThreshold
	}
	return DefaultReadyThreshold
}

// GetPrimaryReadyThreshold is the percentage of primary replicas that must be available.
func (c *Canary) GetPrimaryReadyThreshold() int {
	if a := c.GetAnalysis(); a != nil && a.PrimaryReadyThreshold != nil {
		return *a.PrimaryReadyThreshold
	}
	return DefaultReadyThreshold
}

// SkipAnalysis is true when asked for, or when there is no analysis at all.
func (c *Canary) SkipAnalysis() bool {
	if c.GetAnalysis() == nil {
		return true
	}
	return c.Spec.SkipAnalysis
}

// DeploymentStrategy derives the strategy: match and iterations give A/B,
// iterations alone blue/green, anything else a progressive canary.
func (c *Canary) DeploymentStrategy() string {
	a := c.GetAnalysis()
	if a == nil {
		return StrategyCanary
	}
	return a.Strategy()
}

// GetServiceNames returns the apex, primary and canary service names.
func (c *Canary) GetServiceNames() (apex, primary, canary string) {
	apex = c.Spec.TargetRef.Name
	if c.Spec.Service.Name != "" {
		apex = c.Spec.Service.Name
	}
	return apex, apex + "-primary", apex + "-canary"
}

// PrimaryName is the name of the primary workload Flagger creates.
func (c *Canary) PrimaryName() string { return c.Spec.TargetRef.Name + "-primary" }

// GetInterval is the metric's query range, defaulting to 1m.
func (m *CanaryMetric) GetInterval() string {
	if m.Interval == "" {
		return DefaultMetricInterval
	}
	return m.Interval
}

// GetTimeout is the webhook call timeout, defaulting to 10s.
func (w *CanaryWebhook) GetTimeout() time.Duration {
	if w.Timeout == "" {
		return DefaultWebhookTimeout
	}
	d, err := time.ParseDuration(w.Timeout)
	if err != nil || d <= 0 {
		return DefaultWebhookTimeout
	}
	return d
}

// IsRolloutHook is true for rollout hooks, which is also what an empty type means.
func (w *CanaryWebhook) IsRolloutHook() bool {
	return w.Type == "" || w.Type == RolloutHook
}

// DefaultMeshProvider is Flagger's -mesh-provider default: the provider of
// every Canary that names none, unless the install sets the flag.
const DefaultMeshProvider = IstioProvider

// Where a Canary's provider came from.
const (
	ProviderFromSpec    = "spec.provider"
	ProviderFromFlag    = "--provider"
	ProviderFromDefault = "Flagger's default mesh provider"
)

// ProviderChoice is the provider a Canary runs under, and why.
type ProviderChoice struct {
	Name   string
	Source string // ProviderFromSpec, ProviderFromFlag or ProviderFromDefault
}

// ProviderFor resolves the Canary's provider as Flagger does: spec.provider
// when set, else the controller's -mesh-provider flag (meshProvider, "" when
// not set), else Flagger's default, istio.
func (c *Canary) ProviderFor(meshProvider string) ProviderChoice {
	switch {
	case c.Spec.Provider != "":
		return ProviderChoice{c.Spec.Provider, ProviderFromSpec}
	case meshProvider != "":
		return ProviderChoice{meshProvider, ProviderFromFlag}
	}
	return ProviderChoice{DefaultMeshProvider, ProviderFromDefault}
}

// StrategyUnder is the strategy the Canary runs with under provider: under
// kubernetes, the one its analysis takes once UnderKubernetes has rewritten
// a copy of it, so the rule is written once.
func (c *Canary) StrategyUnder(provider string) string {
	if provider != KubernetesProvider {
		return c.DeploymentStrategy()
	}
	var a CanaryAnalysis
	if p := c.GetAnalysis(); p != nil {
		a = *p
	}
	a.UnderKubernetes()
	return a.Strategy()
}
