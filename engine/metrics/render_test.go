// This file tests rendering query templates (functions, variables, missing keys) and the model
// NewModel builds from a Canary.

package metrics

import (
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func testModel() v1beta1.MetricTemplateModel {
	return v1beta1.MetricTemplateModel{Name: "podinfo", Namespace: "test", Target: "podinfo-dep",
		Service: "podinfo-svc", Ingress: "podinfo-ing", Route: "podinfo-route", Interval: "30s",
		Variables: map[string]string{"cluster": "dev", "group": "g1"}}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, query, want, wantErr string
		vars                       map[string]string
	}{
		{name: "every function",
			query: `{{ name }} {{ namespace }} {{ target }} {{ service }} {{ ingress }} {{ route }} {{ interval }}`,
			want:  "podinfo test podinfo-dep podinfo-svc podinfo-ing podinfo-route 30s"},
		{name: "variables",
			query: `x{cluster="{{ variables.cluster }}",g="{{ variables.group }}"}[{{ interval }}]`,
			want:  `x{cluster="dev",g="g1"}[30s]`},
		{name: "index form", query: `{{ index variables "cluster" }}`, want: "dev"},
		{name: "missing variable names the key", query: `{{ variables.region }}`, wantErr: `"region"`},
		{name: "no variables at all", query: `{{ variables.cluster }}`, vars: map[string]string{}, wantErr: `"cluster"`},
		{name: "data is not the model", query: `{{ .name }}`, wantErr: "name"},
		{name: "unknown function", query: `{{ canary }}`, wantErr: `"canary" not defined`},
		{name: "parse error", query: `{{ namespace `, wantErr: "does not parse"},
		{name: "no template at all", query: `up{job="x"}`, want: `up{job="x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := testModel()
			if tt.vars != nil {
				m.Variables = tt.vars
			}
			got, err := Render(tt.query, m)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Render() error = %v, want one containing %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Render() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestNilVariablesAreAMissingKey(t *testing.T) {
	m := testModel()
	m.Variables = nil
	if _, err := Render(`{{ variables.cluster }}`, m); err == nil {
		t.Fatal("a template variable with no templateVariables rendered without error")
	}
}

func TestNewModel(t *testing.T) {
	base := func() *v1beta1.Canary {
		cd := &v1beta1.Canary{}
		cd.Name, cd.Namespace = "cd", "ns"
		cd.Spec.TargetRef = v1beta1.LocalObjectReference{Kind: "Deployment", Name: "app"}
		return cd
	}
	named := base()
	named.Spec.Service.Name = "svc"
	named.Spec.IngressRef = &v1beta1.LocalObjectReference{Name: "ing"}
	named.Spec.RouteRef = &v1beta1.LocalObjectReference{Name: "rt"}
	vars := map[string]string{"a": "b"}
	tests := []struct {
		name string
		cd   *v1beta1.Canary
		want v1beta1.MetricTemplateModel
	}{
		{"fallbacks to the target", base(), v1beta1.MetricTemplateModel{Name: "cd", Namespace: "ns", Target: "app",
			Service: "app", Ingress: "app", Route: "app", Interval: "2m", Variables: vars}},
		{"named service, ingress and route", named, v1beta1.MetricTemplateModel{Name: "cd", Namespace: "ns",
			Target: "app", Service: "svc", Ingress: "ing", Route: "rt", Interval: "2m", Variables: vars}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewModel(tt.cd, "2m", vars)
			if got.Name != tt.want.Name || got.Namespace != tt.want.Namespace || got.Target != tt.want.Target ||
				got.Service != tt.want.Service || got.Ingress != tt.want.Ingress || got.Route != tt.want.Route ||
				got.Interval != tt.want.Interval || got.Variables["a"] != "b" {
				t.Fatalf("NewModel() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
