// This file is what the engine is told about the world each tick: workloads, routes, and the
// questions it may ask (metrics, hooks) with their answers.

package engine

import (
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Readiness is what a workload's rollout status says.
type Readiness int

const (
	// Ready means every updated replica the threshold asks for is available.
	Ready Readiness = iota
	// NotReady means the rollout is still going; retried until the deadline.
	NotReady
	// DeadlineExceeded means the Deployment's Progressing condition says
	// ProgressDeadlineExceeded: no retry.
	DeadlineExceeded
)

// Workload is one Deployment as observed at the start of a tick.
type Workload struct {
	Exists bool
	// Revision is the hash of the pod template (Flagger's lastAppliedSpec).
	Revision string
	// Configs are the checksums of tracked ConfigMaps and Secrets.
	Configs map[string]string
	// Readiness and, when not ready, since when replicas have been unavailable
	// (the Available condition's last update), which bounds the retries.
	Readiness        Readiness
	UnavailableSince time.Time
	// Message is the workload's own words on why it is not ready.
	Message string
}

// Routes are the weights the router holds.
type Routes struct {
	Primary  int  `json:"primary"`
	Canary   int  `json:"canary"`
	Mirrored bool `json:"mirrored,omitempty"`
}

// AskKind says whether a question is for a webhook or a metric.
type AskKind int

// The two kinds of question.
const (
	AskHook AskKind = iota + 1
	AskMetric
)

// Question is one thing the step needs the world to answer.
type Question struct {
	Kind AskKind
	// Index is the position of the webhook or metric in the analysis.
	Index int
	// Phase is the phase sent in a webhook's payload.
	Phase v1beta1.CanaryPhase
	// Check is how a metric is measured (Flagger may check one metric twice).
	Check MetricCheck
}

// Answer is what the world answered to a Question.
type Answer struct {
	// Status is a webhook's HTTP status.
	Status int
	// Value is a metric's value (milliseconds for request-duration).
	Value float64
	// NoValues means the query returned nothing or NaN.
	NoValues bool
	// Err is a transport or provider error; empty when the world answered.
	Err string
	// Query is the rendered query, for reports.
	Query string
}

// HookPassed is Flagger's rule: an answer with a status of at most 202.
func (a Answer) HookPassed() bool {
	return a.Err == "" && a.Status > 0 && a.Status <= 202
}

// Observations are what the world looked like at the start of the tick, and
// the answers gathered so far within it.
type Observations struct {
	Target  Workload
	Primary Workload
	Routes  Routes
	Answers map[Question]Answer
}

// answer returns the answer to q, if the runner has provided one.
func (o Observations) answer(q Question) (Answer, bool) {
	a, ok := o.Answers[q]
	return a, ok
}
