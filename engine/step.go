// This file is the engine's entry point: Step, its Options, the stepper that carries one tick's
// state, and the ordered list of stages a tick runs through.

package engine

import (
	"fmt"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Options are the controller-wide settings a Canary can override.
type Options struct {
	// Provider is the mesh provider for Canaries that name none (Flagger's
	// -mesh-provider flag); empty means Flagger's default, istio.
	Provider string
}

// stepper holds one evaluation of a tick; each method is one of Flagger's
// stages, and a method returning true has ended the tick.
type stepper struct {
	cd          *v1beta1.Canary
	analysis    v1beta1.CanaryAnalysis // a copy: the kubernetes rule edits it for this tick only
	provider    string
	obs         Observations
	now         time.Time
	status      v1beta1.CanaryStatus // the next status, built up in place
	lastHookIdx int                  // the hook whose answer ended the last series
	haltWhy     string               // why the analysis failed this tick
	// quiet steps only to find the tick's next question: no event, alert,
	// reason, action or check is written (see NextQuestion).
	quiet  bool
	asking bool     // a question is missing an answer
	asked  Question // the question, while asking
	// primaryName is the primary's name once a text needed it.
	primaryName string
	d           Decision
}

// Step decides one tick for cd at time now. It never reads a clock, never does
// I/O, and returns the same Decision for the same arguments. When
// Decision.Ask is set, answer it and call Step again with the answer added.
func Step(cd *v1beta1.Canary, obs Observations, now time.Time, opts Options) Decision {
	s := newStepper(cd, obs, now, opts, false)
	s.run()
	s.d.Status = s.status
	if s.asking {
		q := s.asked // a copy: a pointer into s would put the stepper on the heap
		s.d.Ask = &q
	}
	return s.d
}

// NextQuestion is the question Step(cd, obs, now, opts) would ask (its
// Decision.Ask), and whether it asks one, without the rest of the Decision.
// It takes the same path through the stages as Step but writes no text, so
// a runner gathers a tick's answers with it, one by one, and calls Step once
// they are all in: before it, each answer re-ran Step in full, every earlier
// check's events and checks written again only to be dropped.
func NextQuestion(cd *v1beta1.Canary, obs Observations, now time.Time, opts Options) (Question, bool) {
	s := newStepper(cd, obs, now, opts, true)
	s.run()
	return s.asked, s.asking
}

// newStepper starts a tick. The next status starts as a shallow copy of
// the Canary's: the status writers only set fields and replace slices and
// maps, never write through them (TestTrace* check that Step leaves the
// Canary as it was), so the Decision's status shares what the tick left
// unchanged with the Canary's, and is as read-only as the Canary is. A
// deep copy of it was made on every Step.
func newStepper(cd *v1beta1.Canary, obs Observations, now time.Time, opts Options, quiet bool) stepper {
	s := stepper{cd: cd, obs: obs, now: now, provider: cd.ProviderFor(opts.Provider).Name, quiet: quiet}
	if a := cd.GetAnalysis(); a != nil {
		s.analysis = *a
	}
	s.status = cd.Status
	s.d.RequeueAfter = cd.GetAnalysisInterval()
	return s
}

// run is Flagger's advanceCanary, stage by stage; a stage returning true
// has ended the tick. The stages are called by name, not looped over as
// method values: through a func value the stepper escapes to the heap, and
// it is kilobytes a Step.
func (s *stepper) run() {
	if s.suspended() || s.targetMissing() || s.initialize() || s.unchanged() ||
		s.primaryNotReady() || s.startOrWait() || s.revisionChanged() || s.canaryNotReady() ||
		s.skipAnalysis() || s.rollbackHooks() || s.promoting() || s.finalising() ||
		s.thresholdReached() || s.analyse() {
		return
	}
	s.advance()
}

func (s *stepper) phase() v1beta1.CanaryPhase { return s.cd.Status.Phase }

func (s *stepper) inPhase(ps ...v1beta1.CanaryPhase) bool {
	for _, p := range ps {
		if s.phase() == p {
			return true
		}
	}
	return false
}

// name and target are words for texts only; a quiet stepper writes none,
// and so does not join them.
func (s *stepper) name() string {
	if s.quiet {
		return ""
	}
	return s.cd.Name + "." + s.cd.Namespace
}

func (s *stepper) target() string {
	if s.quiet {
		return ""
	}
	return s.cd.Spec.TargetRef.Name + "." + s.cd.Namespace
}

// primary is the primary's name, for texts: joined once a Step.
func (s *stepper) primary() string {
	if s.quiet {
		return ""
	}
	if s.primaryName == "" {
		s.primaryName = s.cd.PrimaryName()
	}
	return s.primaryName
}

// reason sets the tick's one-line reason; the last stage to speak wins.
func (s *stepper) reason(format string, args ...any) {
	if s.quiet {
		return
	}
	s.d.Reason = fmt.Sprintf(format, args...)
}

func (s *stepper) event(t EventType, format string, args ...any) {
	if s.quiet {
		return
	}
	s.say(t, fmt.Sprintf(format, args...))
}

// sayJoin records an event whose message is parts joined: one string
// built, where formatting boxed every part and joined names before that.
func (s *stepper) sayJoin(t EventType, parts ...string) {
	if !s.quiet {
		s.say(t, strings.Join(parts, ""))
	}
}

// reasonJoin sets the tick's reason to parts joined (see sayJoin).
func (s *stepper) reasonJoin(parts ...string) {
	if !s.quiet {
		s.d.Reason = strings.Join(parts, "")
	}
}

// alertJoin records an alert whose message is parts joined (see sayJoin).
func (s *stepper) alertJoin(sev v1beta1.AlertSeverity, metadata bool, parts ...string) {
	if !s.quiet {
		s.d.Alerts = append(s.d.Alerts, Alert{Message: strings.Join(parts, ""), Severity: sev, Metadata: metadata})
	}
}

// say records an event whose message is already written.
func (s *stepper) say(t EventType, msg string) {
	if s.quiet {
		return
	}
	if s.d.Events == nil {
		s.d.Events = make([]Event, 0, eventsPerTick)
	}
	s.d.Events = append(s.d.Events, Event{Type: t, Message: msg})
}

func (s *stepper) alert(sev v1beta1.AlertSeverity, metadata bool, format string, args ...any) {
	if s.quiet {
		return
	}
	s.d.Alerts = append(s.d.Alerts, Alert{Message: fmt.Sprintf(format, args...), Severity: sev, Metadata: metadata})
}

func (s *stepper) act(a Action) {
	if s.quiet {
		return
	}
	if s.d.Actions == nil {
		s.d.Actions = make([]Action, 0, actionsPerTick)
	}
	s.d.Actions = append(s.d.Actions, a)
}

// actionsPerTick and eventsPerTick size a tick's actions and events once:
// a rollback has three actions, an initialization two, and a tick that
// asked hooks an event for each.
const (
	actionsPerTick = 4
	eventsPerTick  = 4
)

// check records one hook or metric asked, for reports. A tick checks
// about as many as it has answers (an unusable metric is checked unasked),
// so the slice is made once at that size instead of grown to it.
func (s *stepper) check(c Check) {
	if s.quiet {
		return
	}
	if s.d.Checks == nil {
		s.d.Checks = make([]Check, 0, len(s.obs.Answers)+1)
	}
	s.d.Checks = append(s.d.Checks, c)
}

func (s *stepper) setRoutes(primary, canary int, mirrored bool) {
	s.act(Action{Kind: ActSetRoutes, Routes: Routes{Primary: primary, Canary: canary, Mirrored: mirrored}})
}

func (s *stepper) suspended() bool {
	if !s.cd.Spec.Suspend {
		return false
	}
	s.event(EventNormal, "skipping canary run as object is suspended")
	s.reason("suspended: nothing is done until spec.suspend is false")
	return true
}

func (s *stepper) targetMissing() bool {
	if s.obs.Target.Exists {
		return false
	}
	s.event(EventWarning, "%s %s not found", s.cd.Spec.TargetRef.Kind, s.target())
	s.reason("waiting: the target %s %s does not exist", s.cd.Spec.TargetRef.Kind, s.target())
	return true
}
