// This file tests that secrets given to metrics providers never reach a
// report.

package sim

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// TestSecretsNeverReachReports: a MetricTemplate's credentials are sent to
// Prometheus, and appear in no report, even when the query fails.
func TestSecretsNeverReachReports(t *testing.T) {
	const secret = "s3cr3t-t0ken-value"
	doc := `apiVersion: rehearse.dev/v1alpha1
kind: Scenario
metadata: {name: secret-template}
spec:
  manifests: [../../fixtures/podinfo/deployment.yaml]
  inline: |
    apiVersion: v1
    kind: Secret
    metadata: {name: prom-auth, namespace: test}
    stringData: {token: ` + secret + `}
    ---
    apiVersion: flagger.app/v1beta1
    kind: MetricTemplate
    metadata: {name: errors, namespace: test}
    spec:
      provider: {type: prometheus, address: "http://prometheus:9090", secretRef: {name: prom-auth}}
      query: sum(rate(missing_series_total{namespace="{{ namespace }}"}[1m]))
    ---
    apiVersion: flagger.app/v1beta1
    kind: Canary
    metadata: {name: podinfo, namespace: test}
    spec:
      provider: istio
      targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
      service: {port: 9898}
      analysis:
        interval: 1m
        threshold: 2
        stepWeight: 10
        maxWeight: 30
        metrics:
          - name: errors
            templateRef: {name: errors}
            thresholdRange: {max: 1}
  release: {from: "ghcr.io/stefanprodan/podinfo:6.0.0", to: "ghcr.io/stefanprodan/podinfo:6.0.1"}
  versions:
    "ghcr.io/stefanprodan/podinfo:6.0.0": {}
    "ghcr.io/stefanprodan/podinfo:6.0.1": {}
  expect: {outcome: Failed}
`
	sc, err := scenarios.Parse("testdata/secret-template.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	r := Run(context.Background(), sc, Options{})
	if r.Error != "" || r.Outcome != "Failed" {
		t.Fatalf("outcome %s, error %q: the template's missing series must roll back", r.Outcome, r.Error)
	}
	var out bytes.Buffer
	if err := reports.WriteJSON(&out, r); err != nil {
		t.Fatal(err)
	}
	if err := reports.WriteMarkdown(&out, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), secret) {
		t.Errorf("the secret's value reached a report")
	}
	if !strings.Contains(out.String(), "missing_series_total") {
		t.Errorf("the report should still show the template's query")
	}
}
