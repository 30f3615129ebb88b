// This file is what Step returns: the actions for the caller to carry out, the events and alerts to
// emit and the checks it made, so the engine itself changes nothing outside the Canary.

package engine

import (
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// ActionKind names a change to the world.
type ActionKind int

// The actions, in the order a tick may emit them.
const (
	// ActInitialize creates the primary from the target and the services, if missing.
	ActInitialize ActionKind = iota + 1
	// ActScaleToZero scales the canary (target) to zero replicas.
	ActScaleToZero
	// ActScaleFromZero scales the canary up (to its own or the primary's replicas).
	ActScaleFromZero
	// ActSetRoutes sets the router's weights.
	ActSetRoutes
	// ActPromote copies the target's pod spec and configs to the primary.
	ActPromote
	// ActPostRolloutHooks runs post-rollout hooks in order, stopping at the
	// first failure, whose result changes nothing.
	ActPostRolloutHooks
)

var actionNames = map[ActionKind]string{
	ActInitialize: "initialize", ActScaleToZero: "scale-to-zero", ActScaleFromZero: "scale-from-zero",
	ActSetRoutes: "set-routes", ActPromote: "promote", ActPostRolloutHooks: "post-rollout-hooks",
}

func (k ActionKind) String() string { return actionNames[k] }

// Action is one change the runner applies, in order.
type Action struct {
	Kind ActionKind
	// Routes for ActSetRoutes.
	Routes Routes
	// Phase sent to post-rollout hooks.
	Phase v1beta1.CanaryPhase
}

// EventType is a Kubernetes event type.
type EventType string

// Kubernetes event types.
const (
	EventNormal  EventType = "Normal"
	EventWarning EventType = "Warning"
)

// Event is a Kubernetes event Flagger would record (and send to event hooks).
type Event struct {
	Type    EventType
	Message string
}

// Alert is a notification Flagger would send to the Canary's alert providers.
type Alert struct {
	Message  string
	Severity v1beta1.AlertSeverity
	// Metadata asks for the canary's details to be attached.
	Metadata bool
}

// Check records one webhook or metric asked during the tick, for reports.
type Check struct {
	Question Question
	Name     string
	HookType v1beta1.HookType
	Answer   Answer
	Passed   bool
}

// Decision is the outcome of one Step.
type Decision struct {
	// Ask, when set, is the question the step needs answered before it can
	// decide: the runner answers it and calls Step again. Nothing else in an
	// asking Decision is to be applied.
	Ask *Question
	// Status is the next status, to be written once.
	Status v1beta1.CanaryStatus
	// Actions change the cluster and the router, in order.
	Actions []Action
	Events  []Event
	Alerts  []Alert
	Checks  []Check
	// Reason is the engine's one line on what it did and why.
	Reason string
	// RequeueAfter is when to step again, as controller-runtime's Result.
	RequeueAfter time.Duration
}

// Routes returns the routes the decision sets, if it sets any.
func (d *Decision) Routes() (Routes, bool) {
	for i := len(d.Actions) - 1; i >= 0; i-- {
		if d.Actions[i].Kind == ActSetRoutes {
			return d.Actions[i].Routes, true
		}
	}
	return Routes{}, false
}
