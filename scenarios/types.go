// This file is the scenario model the rest of rehearse reads: Scenario, its releases, versions,
// traffic, Prometheus series, webhooks, script ticks and expectations, already checked and defaulted.

package scenarios

import (
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// The scenario format's version and kind.
const (
	APIVersion = "rehearse.dev/v1alpha1"
	Kind       = "Scenario"
)

// Defaults applied when a scenario leaves a value out.
const (
	DefaultSuccessRate    = 100.0
	DefaultP50            = 10 * time.Millisecond
	DefaultP99            = 50 * time.Millisecond
	DefaultRPS            = 10.0
	DefaultSeriesInterval = time.Minute
	// DefaultScrapeInterval is how often the synthetic Prometheus scrapes
	// when neither the scenario nor the command says: Flagger's bundled
	// Prometheus's 5s, with which every metric interval Flagger accepts
	// (10s and up) holds two samples (a range is open on the left).
	DefaultScrapeInterval = 5 * time.Second
	// MaxDurationCap bounds the default virtual-time limit of a run.
	MaxDurationCap = 24 * time.Hour
)

// Scenario is one validated scenario, ready for the simulator.
type Scenario struct {
	Name        string
	Description string
	File        string // the scenario file, as given to the loader
	Dir         string // its folder, against which manifest paths are resolved

	ManifestFiles []string      // the manifest files loaded, resolved against Dir
	Manifests     *manifest.Set // every object of the manifests and the inline block, validated
	Canary        *v1beta1.Canary
	// Provider is the effective provider: spec.provider when given (it is
	// also written into Canary.Spec.Provider), else the Canary's; "" leaves
	// the choice to the simulator's default.
	Provider string

	Release  Release
	Versions map[string]*Version // keyed by the full image reference
	Traffic  Traffic
	// Prometheus is how the synthetic Prometheus scrapes the workloads.
	Prometheus Prometheus
	Series     []Series
	Webhooks   map[string]*Webhook // keyed by the Canary's webhook name
	Script     []ScriptTick        // ascending ticks; non-empty means script mode
	Events     []Event             // sorted by time (stable for equal times)
	Expect     Expect
	Limits     Limits
	Faults     []Fault // sorted by time
	// Recording, when set, answers the metrics instead of the traffic
	// model: times then count from the recording window's start.
	Recording *Recording

	doc *manifest.Doc // the scenario's YAML, for errors found after loading
}

// Scripted is true in script (conformance) mode.
func (s *Scenario) Scripted() bool { return len(s.Script) > 0 }

// Release is the image change that starts the rollout.
type Release struct {
	From, To string
	At       time.Duration // virtual time of the change, from the start of the run
}

// Version is how pods running one image behave.
type Version struct {
	Image       string
	SuccessRate float64 // percent of requests that do not answer 5xx
	Latency     Latency
	Readiness   Readiness
	Changes     []Change // ascending At
}

// Latency is a version's response-time distribution.
type Latency struct {
	P50, P99 time.Duration
}

// Readiness is when a version's pods become ready. The zero value is ready
// at once; at most one of the flags is set.
type Readiness struct {
	ReadyAfter       time.Duration // from the moment the pods start
	Never            bool          // pods never become ready
	CrashLoop        bool          // pods restart forever
	DeadlineExceeded bool          // the Deployment reports ProgressDeadlineExceeded
}

// Change overrides some of a version's behaviour from At on (time since the
// start of the run). Nil fields keep the value in force.
type Change struct {
	At          time.Duration
	SuccessRate *float64
	P50, P99    *time.Duration
	Readiness   *Readiness
}

// Behaviour is a version's effective behaviour at one moment.
type Behaviour struct {
	SuccessRate float64
	Latency     Latency
	Readiness   Readiness
}

// Traffic is the synthetic load on the apex service.
type Traffic struct {
	RPS   float64 // requests per second; 0 means no traffic at all
	Noise Noise
	Seed  int64
}

// Noise perturbs generated samples; zero means exact values.
type Noise struct {
	SuccessRate float64 // standard deviation, in percentage points
	Latency     float64 // relative standard deviation (0.1 = 10%)
}

// Prometheus is the user's Prometheus, as the rehearsal stands it in.
type Prometheus struct {
	// ScrapeInterval is how often the workloads are scraped; 0 leaves it
	// to the simulator (its --scrape-interval, else DefaultScrapeInterval).
	ScrapeInterval time.Duration
}

// Series is a raw Prometheus series in promtool's expanding notation.
type Series struct {
	Metric   string // as written, e.g. queue_depth{app="podinfo"}
	Labels   labels.Labels
	Values   []parser.SequenceValue // "_" is Omitted; "stale" is a stale marker
	Text     string                 // the values as written
	Interval time.Duration          // between two values (default 1m)
	Start    time.Duration          // time of the first value
}

// Webhook is how one of the Canary's webhooks answers in world mode: either
// a timeline of answers or a loadtester-style gate.
type Webhook struct {
	Name    string
	Answers []TimedAnswer // ascending From
	Gate    *Gate
}

// HookAnswer is one way a webhook can answer.
type HookAnswer struct {
	Status  int           // HTTP status; 0 when Timeout or Refused
	Latency time.Duration // time before the answer
	Timeout bool          // no answer before the hook's timeout
	Refused bool          // the connection is refused
}

// TimedAnswer is an answer given from a moment on (time since the start of the run).
type TimedAnswer struct {
	From time.Duration
	HookAnswer
}

// Gate is a flagger-loadtester gate: open answers 200, closed 403.
type Gate struct {
	Open   bool           // state at the start of the run
	OpenAt *time.Duration // when a closed gate opens; nil means never
}

// WorkloadState is a workload's readiness in a script tick.
type WorkloadState string

// Workload states a script may give.
const (
	Ready            WorkloadState = "ready"
	NotReady         WorkloadState = "not-ready"
	DeadlineExceeded WorkloadState = "deadline-exceeded"
)

// ScriptTick is what the engine observes on one analysis tick in script mode.
type ScriptTick struct {
	Tick     int                     // 1 = the first reconcile after the release
	Metrics  map[string]MetricAnswer // by the Canary's metric name
	Webhooks map[string]HookAnswer   // by the Canary's webhook name
	Canary   WorkloadState           // "" when not given
	Primary  WorkloadState
	Revision string // a new image of the target at this tick, or ""
}

// MetricAnswer is what a metric query returns: a value, no value, or an error.
type MetricAnswer struct {
	Value   float64
	NoValue bool
	Error   string
}

// EventKind names what a user does during the run.
type EventKind string

// The user actions a scenario can schedule.
const (
	EventRevision EventKind = "revision" // a new image of the target
	EventPause    EventKind = "pause"    // spec.suspend: true
	EventResume   EventKind = "resume"   // spec.suspend: false
	EventDelete   EventKind = "delete"   // the Canary is deleted
	EventConfig   EventKind = "config"   // a ConfigMap's or Secret's data is replaced
)

// Event is one user action at a moment of the run.
type Event struct {
	At       time.Duration
	Kind     EventKind
	Revision string        // the image, for EventRevision
	Config   *ConfigChange // for EventConfig
}

// ConfigChange replaces the data of a ConfigMap or Secret of the
// manifests, as a GitOps sync of an edited one would.
type ConfigChange struct {
	Kind string // "ConfigMap" or "Secret"
	Name string
	// Data is the new data, in plain text (a Secret's is encoded for it).
	Data map[string]string
}

// Expect is what the rollout must decide.
type Expect struct {
	Outcome   v1beta1.CanaryPhase // final phase; "" is not checked
	Within    time.Duration       // the final decision no later than this; 0 is not checked
	MaxWeight *int                // the highest canary weight the router held
	Ticks     []TickExpect        // ascending ticks
}

// TickExpect asserts the state after one tick; nil fields are not checked.
type TickExpect struct {
	Tick          int
	Phase         v1beta1.CanaryPhase // "" is not checked
	CanaryWeight  *int                // the router's weights
	PrimaryWeight *int
	FailedChecks  *int
	Iterations    *int
}

// Limits bound a run.
type Limits struct {
	MaxDuration time.Duration // virtual time after which the run stops
}
