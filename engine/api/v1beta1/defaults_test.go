// This file tests where a Canary's provider comes from (spec, flag, default) and that the
// kubernetes provider turns every strategy into blue/green.

package v1beta1

import "testing"

func TestProviderFor(t *testing.T) {
	tests := []struct {
		spec, flag string
		want       ProviderChoice
	}{
		{"", "", ProviderChoice{IstioProvider, ProviderFromDefault}},
		{"", "linkerd", ProviderChoice{LinkerdProvider, ProviderFromFlag}},
		{"kubernetes", "linkerd", ProviderChoice{KubernetesProvider, ProviderFromSpec}},
		{"gatewayapi:v1", "", ProviderChoice{"gatewayapi:v1", ProviderFromSpec}},
	}
	for _, tc := range tests {
		cd := &Canary{Spec: CanarySpec{Provider: tc.spec}}
		if got := cd.ProviderFor(tc.flag); got != tc.want {
			t.Errorf("spec %q, flag %q: got %+v, want %+v", tc.spec, tc.flag, got, tc.want)
		}
	}
}

func TestStrategyUnder(t *testing.T) {
	ab := &Canary{Spec: CanarySpec{Analysis: &CanaryAnalysis{Iterations: 5, Match: []HTTPMatchRequest{{}}}}}
	progressive := &Canary{Spec: CanarySpec{Analysis: &CanaryAnalysis{StepWeight: 10}}}
	tests := []struct {
		cd       *Canary
		provider string
		want     string
	}{
		{ab, IstioProvider, StrategyABTesting},
		{ab, KubernetesProvider, StrategyBlueGreen},
		{progressive, IstioProvider, StrategyCanary},
		{progressive, KubernetesProvider, StrategyBlueGreen},
		{&Canary{}, IstioProvider, StrategyCanary},
		{&Canary{}, KubernetesProvider, StrategyBlueGreen},
	}
	for _, tc := range tests {
		if got := tc.cd.StrategyUnder(tc.provider); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.provider, got, tc.want)
		}
	}
	if a := ab.Spec.Analysis; len(a.Match) != 1 || a.Iterations != 5 {
		t.Errorf("StrategyUnder changed the Canary's analysis: %+v", a)
	}
}
