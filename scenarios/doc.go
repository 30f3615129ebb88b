// Package scenarios reads rehearse scenario files: what the world does while
// a Canary rolls out (how each version answers, traffic, raw Prometheus
// series, webhook answers, gates, user actions) and what the rollout must
// decide. A scenario is YAML, versioned (apiVersion: rehearse.dev/v1alpha1,
// kind: Scenario) and decoded strictly: an unknown field, a bad duration or a
// name the Canary does not have is an error with the file, the line and what
// to fix, because a silently ignored line would make a rehearsal lie.
//
// Loading converts the file into the validated types of this package:
// durations parsed, defaults applied, the manifests loaded, merged and
// validated, and the Canary under test resolved. The simulator consumes
// these types and never sees the YAML.
//
// A scenario runs in one of two modes. World mode (versions, traffic, series,
// webhooks) describes the world and lets the simulator derive metrics and
// hook answers from it. Script mode (script) gives, tick by tick, the metric
// values and hook answers the engine observes, as Flagger's own unit tests
// do; it is for conformance checks of the decision logic.
//
// The library of ready-made scenarios lives in scenarios/library.
package scenarios
