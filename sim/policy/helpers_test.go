// This file writes the manifests the tests plan from: a Deployment and
// Canaries with the metrics, webhooks and annotations a test needs.

package policy

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// deploymentYAML is the target every test Canary rolls out.
const deploymentYAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: ns
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0
`

// canaryYAML is a Canary named name in namespace ns; spec is indented by
// two spaces and annotations by four. The annotations block is line 5.
func canaryYAML(name, annotations, spec string) string {
	return `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: ` + name + `
  annotations:
` + orEmptyMap(annotations) + `  namespace: ns
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
  service: {port: 80}
` + spec
}

func orEmptyMap(annotations string) string {
	if annotations == "" {
		return "    {}\n"
	}
	return annotations
}

// analysis is a progressive canary on Istio with the given metrics and webhooks.
func analysis(metrics, webhooks string) string {
	return `  provider: istio
  analysis:
    interval: 1m
    threshold: 5
    maxWeight: 50
    stepWeight: 10
    metrics:
` + metrics + webhooks
}

const (
	successRate = "      - {name: request-success-rate, thresholdRange: {min: 99}}\n"
	duration    = "      - {name: request-duration, thresholdRange: {max: 500}}\n"
	preRollout  = `    webhooks:
      - {name: smoke, type: pre-rollout, url: "http://loadtester.test/"}
      - {name: load, url: "http://loadtester.test/", metadata: {type: cmd, cmd: "hey -z 1m -q 10 -c 2 http://app-canary.ns/"}}
      - {name: abort, type: rollback, url: "http://loadtester.test/rollback/check"}
`
)

// loadSet parses files (name → content) into a validated Set.
func loadSet(t *testing.T, files map[string]string) *manifest.Set {
	t.Helper()
	set := &manifest.Set{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		one, err := manifest.Parse(name, []byte(files[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := set.Merge(one); err != nil {
			t.Fatal(err)
		}
	}
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	return set
}

// reader serves files for Options.ReadFile.
func reader(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		data, ok := files[name]
		if !ok {
			return nil, &manifest.Error{File: name, Msg: "no such file"}
		}
		return []byte(data), nil
	}
}

func policiesOf(p *Plan) string {
	var names []string
	for _, r := range p.Rehearsals {
		names = append(names, r.Scenario.Name)
	}
	return strings.Join(names, " ")
}
