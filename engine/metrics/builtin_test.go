// This file tests observer and metrics-provider choice, and pins every provider's builtin queries
// in golden files under testdata (-update rewrites them), each parsed as PromQL.

package metrics

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestObserverFor(t *testing.T) {
	tests := map[string]Observer{
		"kubernetes": ObserverHTTP, "gatewayapi": ObserverHTTP, "gatewayapi:v1": ObserverHTTP,
		"gatewayapi:v1beta1:service": ObserverHTTP, "istio": ObserverIstio, "linkerd": ObserverLinkerd,
		"nginx": ObserverNginx, "contour": ObserverContour, "gloo": ObserverGloo, "gloo:service": ObserverGloo,
		"kuma": ObserverKuma, "osm": ObserverOSM, "apisix": ObserverApisix, "appmesh": ObserverAppMesh,
		"appmesh:v1beta2": ObserverAppMesh, "appmesh:service": ObserverAppMesh, "knative": ObserverKnative,
		"skipper": ObserverSkipper, "traefik": ObserverTraefik,
		// Flagger's factory matches these exactly, so the suffix sends them to Istio.
		"kubernetes:service": ObserverIstio, "linkerd:service": ObserverIstio, "nginx:service": ObserverIstio,
		"contour:service": ObserverIstio, "smi:linkerd": ObserverIstio, "crossover": ObserverIstio, "": ObserverIstio,
	}
	for provider, want := range tests {
		if got := ObserverFor(provider); got != want {
			t.Errorf("ObserverFor(%q) = %s, want %s", provider, got, want)
		}
	}
}

func TestMetricsProvider(t *testing.T) {
	tests := []struct {
		name, canaryProvider, mesh, kind, apiVersion, want string
	}{
		{"mesh default", "", "kubernetes", "Deployment", "apps/v1", "kubernetes"},
		{"canary overrides", "nginx", "kubernetes", "Deployment", "apps/v1", "nginx"},
		{"linkerd mesh wins over the canary", "nginx", "linkerd", "Deployment", "apps/v1", "linkerd"},
		{"crossover mesh", "", "smi:crossover", "Deployment", "apps/v1", "crossover"},
		{"service target", "", "kubernetes", "Service", "v1", "kubernetes:service"},
		{"service target with gatewayapi", "gatewayapi:v1", "kubernetes", "Service", "v1", "gatewayapi:v1:service"},
		{"knative service keeps the provider", "knative", "kubernetes", "Service", "serving.knative.dev/v1", "knative"},
		{"daemonset", "istio", "kubernetes", "DaemonSet", "apps/v1", "istio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cd := &v1beta1.Canary{}
			cd.Spec.Provider = tt.canaryProvider
			cd.Spec.TargetRef = v1beta1.LocalObjectReference{Kind: tt.kind, APIVersion: tt.apiVersion, Name: "app"}
			if got := MetricsProvider(cd, tt.mesh); got != tt.want {
				t.Fatalf("MetricsProvider() = %q, want %q", got, tt.want)
			}
		})
	}
}

var goldenProviders = []string{"kubernetes", "gatewayapi:v1", "istio", "linkerd", "nginx", "contour", "gloo",
	"kuma", "osm", "apisix", "appmesh", "knative", "skipper", "traefik", "kubernetes:service"}

// TestBuiltinQueryGolden pins every provider's two queries; each must also
// parse as PromQL. Refresh with: go test ./engine/metrics -run Golden -update
func TestBuiltinQueryGolden(t *testing.T) {
	m := testModel()
	m.Namespace, m.Ingress = "test-ns", "podinfo.example"
	var doc strings.Builder
	for _, p := range goldenProviders {
		for _, name := range []string{MetricSuccessRate, MetricDuration} {
			q, err := BuiltinQuery(p, name, m)
			if err != nil {
				t.Fatalf("BuiltinQuery(%s, %s): %v", p, name, err)
			}
			if _, err := parser.NewParser(parser.Options{}).ParseExpr(q); err != nil {
				t.Errorf("%s %s is not PromQL: %v\n%s", p, name, err, q)
			}
			fmt.Fprintf(&doc, "%s %s\n%s\n\n", p, name, q)
		}
	}
	compareGolden(t, filepath.Join("testdata", "builtin-queries.golden"), doc.String())
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("output differs from %s (run with -update if the change is intended):\n%s", path, got)
	}
}

func TestBuiltinQueryUnknownMetric(t *testing.T) {
	_, err := BuiltinQuery("istio", "error-rate", testModel())
	if err == nil || !strings.Contains(err.Error(), "templateRef") {
		t.Fatalf("BuiltinQuery(error-rate) error = %v, want advice to use a template", err)
	}
}

func TestSkipperEncodesNames(t *testing.T) {
	m := testModel()
	m.Namespace, m.Ingress, m.Service = "my-ns", "web.app", "web-svc"
	q, _ := BuiltinQuery("skipper", MetricSuccessRate, m)
	if !strings.Contains(q, `kube(ew)?_my_ns__web_app_canary__.*__web_svc_canary(_[0-9]+)?`) {
		t.Fatalf("skipper route pattern not encoded: %s", q)
	}
}

func TestDurationMillis(t *testing.T) {
	tests := []struct {
		provider string
		v, want  float64
	}{
		{"istio", 512.9, 512},
		{"istio", 0.4, 0},
		{"linkerd", 1e3, 1000},
		{"kubernetes", 0.5129, 512},
		{"gatewayapi:v1", 1.0, 1000},
		{"kubernetes", 0.0015, 1},
		{"kubernetes:service", 512.9, 512}, // the Istio observer answers milliseconds
		{"nginx", 99.99, 99},
		{"istio", math.Inf(1), 0}, // int64(+Inf) is MinInt64 on amd64; times 1ms wraps to 0
		{"istio", math.NaN(), 0},
		{"istio", -3.7, -3},
	}
	for _, tt := range tests {
		if got := DurationMillis(tt.provider, tt.v); got != tt.want {
			t.Errorf("DurationMillis(%s, %v) = %v, want %v", tt.provider, tt.v, got, tt.want)
		}
	}
}
