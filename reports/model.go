// This file holds the recorded run every writer reads: its settings,
// decision, expectations and ticks, with the metrics, webhooks, alerts and
// load of each.

package reports

import "time"

// Run is one replayed scenario: its settings, the final decision, whether the
// scenario's expectations held, and every analysis tick the simulator recorded.
type Run struct {
	Scenario    string `json:"scenario"`
	Description string `json:"description,omitempty"`
	File        string `json:"file,omitempty"`
	Canary      string `json:"canary"`   // namespace/name
	Provider    string `json:"provider"` // mesh or ingress provider
	// ProviderSource says why that provider: spec.provider, --provider, or
	// Flagger's default mesh provider (istio).
	ProviderSource string        `json:"providerSource,omitempty"`
	Strategy       string        `json:"strategy"` // canary | blue-green | ab-testing
	Cluster        string        `json:"cluster"`  // memory | envtest | kind
	Seed           int64         `json:"seed"`
	Interval       float64       `json:"interval"`  // analysis interval, seconds
	Outcome        string        `json:"outcome"`   // the final phase
	Decision       string        `json:"decision"`  // promoted | rolled back | undecided (or waiting...)
	DecidedAt      *float64      `json:"decidedAt"` // seconds from the release to the final decision; null when undecided
	MaxWeight      int           `json:"maxWeight"` // max canary weight the router held
	Passed         bool          `json:"passed"`    // every expectation held
	Expectations   []Expectation `json:"expectations"`
	Ticks          []Tick        `json:"ticks"`
	Notes          []string      `json:"notes,omitempty"` // e.g. Flagger behaviour that surprises users, said in words
	// Status is the run's verdict in one word: "passed", "failed",
	// "error" (the run could not complete), "interrupted" or "not rehearsable" (what
	// decides it could not be simulated: see NotRehearsable). WriteJSON
	// fills it in from the other fields.
	Status string `json:"status"`
	// NotRehearsable says why the run cannot tell what Flagger would do:
	// a metric whose series rehearse cannot produce, say. Such a run is
	// reported, never counted as a failure.
	NotRehearsable string `json:"notRehearsable,omitempty"`
	// Exposure is what the new version served after the release: the blast
	// radius of a bad release. Absent when the run had no traffic model.
	Exposure *Exposure `json:"exposure,omitempty"`
	Error    string    `json:"error,omitempty"` // the run could not complete (setup failure); then Passed=false
	// Interrupted: a signal stopped the run; Ticks hold what finished
	// before it, and the run is neither passed nor failed.
	Interrupted bool `json:"interrupted,omitempty"`
	// Skipped, when set, says why the run was not rehearsed: it is neither
	// passed nor failed (JUnit <skipped>), and never fails the command.
	Skipped string `json:"skipped,omitempty"`
	// Wall is the wall-clock time the rehearsal took. Only the JUnit report
	// reads it (CI dashboards show it as the test's time); it stays out of
	// the JSON and Markdown reports, which are byte-identical for a seed.
	Wall time.Duration `json:"-"`
}

// SkippedSuspended is why a suspended Canary is not rehearsed.
const SkippedSuspended = "suspend: true: Flagger does not analyse this Canary"

// Expectation is one assertion of the scenario file, checked after the run.
type Expectation struct {
	Description string `json:"description"`
	Passed      bool   `json:"passed"`
	Detail      string `json:"detail,omitempty"`
}

// Tick is one reconcile of the canary, as the engine decided it.
type Tick struct {
	Tick          int       `json:"tick"` // 1 = first reconcile after the release
	T             float64   `json:"t"`    // seconds from the release
	Phase         string    `json:"phase"`
	CanaryWeight  int       `json:"canaryWeight"` // as the router holds it
	PrimaryWeight int       `json:"primaryWeight"`
	Mirrored      bool      `json:"mirrored,omitempty"`
	FailedChecks  int       `json:"failedChecks"`
	Iterations    int       `json:"iterations"`
	Metrics       []Metric  `json:"metrics"`
	Webhooks      []Webhook `json:"webhooks"`
	Reason        string    `json:"reason"` // the engine's words for what it did and why
	Events        []string  `json:"events,omitempty"`
	// Load is what the hey load tests measured since the previous tick, on
	// the client side; only real-traffic runs (--traffic real) have it.
	Load *LoadStats `json:"load,omitempty"`
	// Alerts are the alerts the Canary's AlertProviders received this tick.
	Alerts []Alert `json:"alerts,omitempty"`
}

// Alert is one alert an AlertProvider received, read back from the
// provider's own payload shape.
type Alert struct {
	Provider string `json:"provider"` // the AlertProvider's name
	Type     string `json:"type"`     // slack, msteams, discord, rocket, gchat
	Severity string `json:"severity"` // of the message: info, warn or error
	Message  string `json:"message"`
	Error    string `json:"error,omitempty"` // the payload missed the provider's shape
}

// Metric is one metric check of a tick. Value is nil when the query returned
// no values. In JSON a value that is not finite (+Inf from histogram_quantile,
// say) is written as the string "+Inf", "-Inf" or "NaN", as Prometheus's own
// API does, because JSON numbers cannot hold it.
type Metric struct {
	Name   string   `json:"name"`
	Value  *float64 `json:"value"`
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
	Passed bool     `json:"passed"`
	Error  string   `json:"error,omitempty"`
	Query  string   `json:"query,omitempty"`
}

// Webhook is one webhook call of a tick. Status is 0 when no answer came.
type Webhook struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Status int    `json:"status"`
	Passed bool   `json:"passed"`
	Error  string `json:"error,omitempty"`
}

// LoadStats is what hey measured over one tick: the requests it started,
// how they were answered, and their latency (real milliseconds: latencies
// are not scaled with the clock).
type LoadStats struct {
	Requests int            `json:"requests"`
	Status   map[string]int `json:"status,omitempty"` // answers by HTTP status code, e.g. "200"
	Errors   int            `json:"errors,omitempty"` // requests with no HTTP answer (refused, timed out)
	P50      float64        `json:"p50Ms"`
	P95      float64        `json:"p95Ms"`
	P99      float64        `json:"p99Ms"`
}

// Exposure counts the requests the new (canary) version served after the
// release, and how many of them failed.
type Exposure struct {
	CanaryRequests float64 `json:"canaryRequests"`
	CanaryErrors   float64 `json:"canaryErrors"`
}
