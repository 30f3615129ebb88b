// This file holds a backtest as sim/backtest hands it over: the rehearsal,
// the recording's window, what the Canary's queries read and the verdict.

package backtestreport

import "github.com/rehearse-dev/rehearse/reports"

// Backtest is one Canary replayed over recorded metrics: the rehearsal
// (its ticks count from the release), the recording's window in its own
// UTC time, what the Canary's queries read in it, and the verdict.
type Backtest struct {
	Run *reports.Run `json:"run"`
	// Source and Format say where the metrics came from.
	Source string `json:"source"`
	Format string `json:"format"`
	// From, To and Release are recording times, Unix seconds (UTC).
	From    float64 `json:"from"`
	To      float64 `json:"to"`
	Release float64 `json:"release"`
	// Mapping says how the recording's series were renamed.
	Mapping []string `json:"mapping"`
	// Warnings are what the recording lacked or did (counter resets, gaps).
	Warnings []string `json:"warnings,omitempty"`
	Verdict  Verdict  `json:"verdict"`
	// Metrics are the Canary's queries evaluated over the whole window.
	Metrics []Metric `json:"metrics"`
}

// Verdict is the decision in the recording's time.
type Verdict struct {
	// Decision is "rolled back", "promoted" or "undecided".
	Decision string `json:"decision"`
	// At is when it fell (Unix seconds); nil when undecided.
	At *float64 `json:"at"`
	// Weight is the canary weight the router held when the decision
	// fell (before a rollback: the weight the failing checks held).
	Weight int `json:"weight"`
	// Metric is the check that decided a rollback ("" otherwise), and
	// Breach when its recorded value first left its bounds after the
	// release (nil when it never did: no values, say).
	Metric string   `json:"metric,omitempty"`
	Breach *float64 `json:"breach"`
	// Text is the verdict in one sentence.
	Text string `json:"text"`
}

// Metric is one query of the Canary evaluated at every step of
// the window, and the engine's own checks of it.
type Metric struct {
	Name  string   `json:"name"`
	Query string   `json:"query"`
	Min   *float64 `json:"min,omitempty"`
	Max   *float64 `json:"max,omitempty"`
	// Step is the evaluation step, seconds.
	Step   float64 `json:"step"`
	Points []Point `json:"points"`
	Checks []Check `json:"checks"`
}

// Point is a query's value at one time; V is nil when it found
// no values there.
type Point struct {
	T float64  `json:"t"`
	V *float64 `json:"v"`
}

// Check is the engine's check of the metric on one tick.
type Check struct {
	Tick   int      `json:"tick"`
	T      float64  `json:"t"`
	V      *float64 `json:"v"`
	Passed bool     `json:"passed"`
}
