// This file tests parsing the testdata files: valid ones load, each invalid one fails at its line,
// defaults are written, opaque fields round-trip, origins and HPA conversions hold.

package manifest

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

func TestValidFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/valid-*.yaml")
	if err != nil || len(files) < 10 {
		t.Fatalf("want at least 10 valid files, got %d (%v)", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := LoadFiles(f)
			if err != nil {
				t.Fatalf("LoadFiles: %v", err)
			}
			if err := s.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
		})
	}
}

// invalidCases lists every invalid-*.yaml with the line and message its
// first error must have. A new invalid file without a row fails the test.
var invalidCases = []struct {
	file string
	line int
	want string
}{
	{"invalid-bad-interval.yaml", 14, `spec.analysis.interval: "1 minute" is not a duration`},
	{"invalid-both-analysis.yaml", 17, "spec.canaryAnalysis: deprecated alias of spec.analysis"},
	{"invalid-deployment-field.yaml", 6, `spec.replica: unknown field; did you mean "replicas"?`},
	{"invalid-duplicate-key.yaml", 18, "spec.analysis.threshold: key written twice (first at line 15)"},
	{"invalid-duplicate-metric.yaml", 23, `metric "request-success-rate" is listed twice`},
	{"invalid-duplicate-object.yaml", 14, "Canary/test/podinfo: defined twice (first at testdata/invalid-duplicate-object.yaml:1)"},
	{"invalid-extensions-deployment.yaml", 1, "change apiVersion to apps/v1"},
	{"invalid-missing-kind.yaml", 6, "kind: missing"},
	{"invalid-missing-name.yaml", 3, "metadata.name: the object has no name"},
	{"invalid-provider.yaml", 6, `(it would fall back to istio): use one of istio, linkerd, appmesh, contour, knative, nginx, skipper, traefik, apisix, osm, kuma, kubernetes, gatewayapi:v1, appmesh:v1beta2, gloo, smi:v1alpha3; did you mean "nginx"?`},
	{"invalid-step-weights.yaml", 19, "spec.analysis.stepWeights[2]: 20 does not follow 30"},
	{"invalid-target-kind.yaml", 8, `"StatefulSet" is not a kind Flagger rolls out`},
	{"invalid-target-kind-mismatch.yaml", 23, "agent default/agent is a Deployment (testdata/invalid-target-kind-mismatch.yaml:1), not a DaemonSet: fix the targetRef"},
	{"invalid-service-target.yaml", 11, `a Kubernetes Service target (apiVersion "v1"; Flagger's ServiceController, which copies the Service's spec) cannot be rehearsed`},
	{"invalid-knative-provider.yaml", 6, `spec.provider: a Knative Service target needs provider: knative (Flagger refuses this Canary: can't use "istio" provider with Knative Service as target)`},
	{"invalid-knative-target.yaml", 7, "can't use apps/v1/Deployment as target if provider is set to knative"},
	{"invalid-knative-autoscaler.yaml", 11, "spec.autoscalerRef: a Knative Service scales itself: remove autoscalerRef"},
	{"invalid-autoscaler-kind.yaml", 12, `"HorizontalPodAutoscalr" is not a scaler Flagger copies for the primary: use HorizontalPodAutoscaler or ScaledObject; did you mean "HorizontalPodAutoscaler"?`},
	{"invalid-templateref-missing.yaml", 21, `MetricTemplate test/not-found-percentag is not in the manifests: add it or fix the name; did you mean "test/not-found-percentage"?`},
	{"invalid-threshold-range.yaml", 20, "min 99 is above max 90"},
	{"invalid-type-mismatch.yaml", 16, `spec.analysis.maxWeight: expected a whole number, got string "fifty"`},
	{"invalid-unknown-field.yaml", 15, `spec.analysis.treshold: unknown field; did you mean "threshold"?`},
	{"invalid-unknown-metric.yaml", 22, `metric "error-budget" has no builtin name, templateRef or query: add one`},
	{"invalid-v1alpha3.yaml", 2, "upgrade the Canary to apiVersion: flagger.app/v1beta1"},
	{"invalid-webhook-timeout.yaml", 21, `spec.analysis.webhooks[0].timeout: expected a string, got number "5"`},
	{"invalid-webhook-type.yaml", 20, `"pre-rolout" is not a webhook type: use one of rollout, pre-rollout`},
	{"invalid-yaml-syntax.yaml", 6, "not valid YAML: found character that cannot start any token"},
}

func TestInvalidFiles(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range invalidCases {
		covered[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			first := firstError(t, loadAndValidate(filepath.Join("testdata", tc.file)))
			if first.Line != tc.line || !strings.Contains(first.Error(), tc.want) {
				t.Errorf("got %q at line %d, want %q at line %d", first.Error(), first.Line, tc.want, tc.line)
			}
		})
	}
	files, _ := filepath.Glob("testdata/invalid-*.yaml")
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("%s has no row in invalidCases", f)
		}
	}
	if len(files) < 10 {
		t.Errorf("want at least 10 invalid files, got %d", len(files))
	}
}

func loadAndValidate(path string) error {
	s, err := LoadFiles(path)
	if err != nil {
		return err
	}
	return s.Validate()
}

func firstError(t *testing.T, err error) *Error {
	t.Helper()
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("want manifest.Errors, got %v", err)
	}
	return errs[0]
}

func TestSeveralProblemsInOnePass(t *testing.T) {
	doc := `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: podinfo
spec:
  targetRef: {kind: Deployment, name: podinfo}
  service:
    port: "http"
  analysis:
    treshold: 5
    metrics:
      - name: request-success-rate
        thresholdRang: {min: 99}
`
	_, err := Parse("many.yaml", []byte(doc))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want Errors, got %v", err)
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		`many.yaml:8:11: spec.service.port: expected a whole number, got string "http"`,
		`many.yaml:10:5: spec.analysis.treshold: unknown field; did you mean "threshold"?`,
		`many.yaml:13:9: spec.analysis.metrics[0].thresholdRang: unknown field; did you mean "thresholdRange"?`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestValuesThatDecodeThemselves covers quantities, times and int-or-string
// values, whose own decoders report errors without a position.
func TestValuesThatDecodeThemselves(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"quantity", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          resources: {limits: {cpu: 2 cores}}\n",
			"x.yaml:9:37: spec.template.spec.containers[0].resources.limits.cpu: quantities must match the regular expression"},
		{"int or string", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n    - port: 80\n      targetPort: [1]\n",
			"x.yaml:7:7: spec.ports[0].targetPort: expected a whole number, got a list"},
		{"time", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, creationTimestamp: yesterday}\n",
			`x.yaml:3:40: metadata.creationTimestamp: parsing time "yesterday"`},
		{"list", "apiVersion: v1\nkind: List\nitems: []\n", "x.yaml:2:7: kind: a List is not read item by item"},
		{"not a mapping", "just text\n", "x.yaml:1:1: a manifest must be a mapping"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tc.doc))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %v\nwant prefix %q", err, tc.want)
			}
		})
	}
}

func TestDefaultsAreWritten(t *testing.T) {
	s := mustLoad(t, "testdata/valid-minimal.yaml")
	c := s.Canaries[0]
	a := c.Spec.Analysis
	checks := []struct {
		name      string
		got, want any
	}{
		{"namespace", c.Namespace, "default"},
		{"interval", a.Interval, "60s"},
		{"threshold", a.Threshold, 1},
		{"metric interval", a.Metrics[0].Interval, "1m"},
		{"webhook timeout", a.Webhooks[0].Timeout, "10s"},
		{"progressDeadlineSeconds", *c.Spec.ProgressDeadlineSeconds, int32(600)},
		{"getter interval", c.GetAnalysisInterval().String(), "1m0s"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}
}

func TestWrittenValuesAreKept(t *testing.T) {
	c := mustLoad(t, "testdata/valid-nginx.yaml").Canaries[0]
	a := c.Spec.Analysis
	if a.Interval != "10s" || a.Threshold != 10 || *c.Spec.ProgressDeadlineSeconds != 60 || a.Webhooks[0].Timeout != "30s" {
		t.Errorf("written values changed: interval %s threshold %d deadline %d timeout %s",
			a.Interval, a.Threshold, *c.Spec.ProgressDeadlineSeconds, a.Webhooks[0].Timeout)
	}
}

func TestCanaryAnalysisAliasGetsDefaults(t *testing.T) {
	c := mustLoad(t, "testdata/valid-canary-analysis-alias.yaml").Canaries[0]
	if c.Spec.Analysis != nil {
		t.Fatal("the alias must not be moved: analysis is nil in the file")
	}
	a := c.GetAnalysis()
	if a.Interval != "60s" || a.Threshold != 1 || a.Metrics[1].Interval != "1m" || a.Webhooks[0].Timeout != "10s" {
		t.Errorf("defaults not written into canaryAnalysis: %+v", a)
	}
}

func TestTemplateRefNamespaceDefaultsToCanary(t *testing.T) {
	c := mustLoad(t, "testdata/valid-metric-template-alerts.yaml").Canaries[0]
	if ns := c.Spec.Analysis.Metrics[0].TemplateRef.Namespace; ns != "test" {
		t.Errorf("templateRef namespace = %q, want the Canary's (test)", ns)
	}
}

// TestOpaqueFieldsRoundTrip checks that mesh fields rehearse does not
// model come back byte-for-byte equivalent to what the user wrote.
func TestOpaqueFieldsRoundTrip(t *testing.T) {
	for _, f := range []string{"testdata/valid-gatewayapi.yaml", "testdata/valid-podinfo-istio.yaml"} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s := mustLoad(t, f)
			got := toGeneric(t, s.Canaries[0].Spec.Service)
			want := writtenService(t, f)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("spec.service changed:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func toGeneric(t *testing.T, v any) map[string]any {
	t.Helper()
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(js, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// writtenService is spec.service of the file's Canary document, as written.
func writtenService(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range SplitDocuments(data) {
		var obj struct {
			Kind string
			Spec struct{ Service map[string]any }
		}
		if err := sigsyaml.Unmarshal(doc.Data, &obj); err == nil && obj.Kind == "Canary" {
			return obj.Spec.Service
		}
	}
	t.Fatal("no Canary in " + path)
	return nil
}

func TestOriginsRecordFileAndLine(t *testing.T) {
	s := mustLoad(t, "testdata/valid-podinfo-istio.yaml")
	want := map[string]Object{
		"Deployment/test/podinfo":              {Kind: "Deployment", Name: "podinfo", Namespace: "test", File: "testdata/valid-podinfo-istio.yaml", Line: 4},
		"HorizontalPodAutoscaler/test/podinfo": {Kind: "HorizontalPodAutoscaler", Name: "podinfo", Namespace: "test", File: "testdata/valid-podinfo-istio.yaml", Line: 62},
		"Canary/test/podinfo":                  {Kind: "Canary", Name: "podinfo", Namespace: "test", File: "testdata/valid-podinfo-istio.yaml", Line: 82},
	}
	if !reflect.DeepEqual(s.Origins, want) {
		t.Errorf("Origins = %v, want %v", s.Origins, want)
	}
	if len(s.HPAs) != 1 || s.HPAs[0].Spec.MaxReplicas == 0 || len(s.Others) != 0 {
		t.Errorf("the HPA must be decoded as one (an autoscalerRef copies it), got %d HPAs and %d others", len(s.HPAs), len(s.Others))
	}
}

func TestCRLFLinesMatchTheFile(t *testing.T) {
	doc := "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: x\r\n  labell: {}\r\n"
	_, err := Parse("crlf.yaml", []byte(doc))
	if got := firstError(t, err); got.Line != 5 || got.Column != 3 || got.Field != "metadata.labell" {
		t.Errorf("got %v, want line 5 col 3 on metadata.labell", got)
	}
}

func TestEmptyFileIsAnEmptySet(t *testing.T) {
	s := mustLoad(t, "testdata/valid-empty.yaml")
	if len(s.Origins) != 0 {
		t.Errorf("want no object, got %v", s.Origins)
	}
}

func mustLoad(t *testing.T, paths ...string) *Set {
	t.Helper()
	s, err := LoadFiles(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHPAv1IsReadAsV2(t *testing.T) {
	s := mustLoad(t, "testdata/valid-hpa-v1.yaml")
	if len(s.HPAs) != 1 {
		t.Fatalf("got %d HPAs", len(s.HPAs))
	}
	h := s.HPAs[0]
	if h.Spec.MaxReplicas != 4 || *h.Spec.MinReplicas != 2 || len(h.Spec.Metrics) != 1 ||
		*h.Spec.Metrics[0].Resource.Target.AverageUtilization != 80 || h.Kind != "HorizontalPodAutoscaler" || h.Namespace != "test" {
		t.Errorf("converted HPA %+v", h)
	}
	if _, ok := s.Origins["HorizontalPodAutoscaler/test/podinfo"]; !ok {
		t.Errorf("origins %v", s.Origins)
	}
}

// TestRetiredHPAVersionsAreConverted: autoscaling/v2beta1 and v2beta2 HPAs,
// still common in GitOps repositories, are read as v2 with a note that a
// current cluster refuses them.
func TestRetiredHPAVersionsAreConverted(t *testing.T) {
	tests := []struct{ name, yaml, note string }{
		{"v2beta2", `apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: podinfo, namespace: test}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  minReplicas: 2
  maxReplicas: 4
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
`, "autoscaling/v2beta2 HorizontalPodAutoscaler is not served since Kubernetes 1.26"},
		{"v2beta1", `apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata: {name: podinfo, namespace: test}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  minReplicas: 2
  maxReplicas: 4
  metrics:
    - type: Resource
      resource: {name: cpu, targetAverageUtilization: 80}
`, "autoscaling/v2beta1 HorizontalPodAutoscaler is not served since Kubernetes 1.25"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("hpa.yaml", []byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if len(s.HPAs) != 1 {
				t.Fatalf("got %d HPAs", len(s.HPAs))
			}
			h := s.HPAs[0]
			if h.APIVersion != "autoscaling/v2" || h.Spec.MaxReplicas != 4 || *h.Spec.MinReplicas != 2 || len(h.Spec.Metrics) != 1 ||
				*h.Spec.Metrics[0].Resource.Target.AverageUtilization != 80 {
				t.Errorf("converted HPA %+v", h)
			}
			if len(s.Notes) != 1 || !strings.Contains(s.Notes[0].Text, tc.note) || s.Notes[0].Line != 1 {
				t.Errorf("notes %+v, want one saying %q", s.Notes, tc.note)
			}
		})
	}
	if _, err := Parse("hpa.yaml", []byte("apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\nmetadata: {name: p}\nspec:\n  maxReplica: 3\n")); err == nil || !strings.Contains(err.Error(), "maxReplica") {
		t.Errorf("a misspelt field of a retired version is still refused, got %v", err)
	}
}
