// This file holds a sweep's result as sim/sweep hands it over: the axes, the
// combinations and one sample per rehearsal.

package sweepreport

// sim/sweep fills these types itself, so the result it hands over and a
// shard's sweep.json read back are the same value. They live here because
// sim imports reports: reports cannot import sim.

// Setting is one Canary field set to one value, e.g.
// analysis.threshold=3.
type Setting struct {
	Path  string `json:"path"`
	Value string `json:"value"`
}

// Axis is one swept field and the values it takes.
type Axis struct {
	Path   string   `json:"path"`
	Values []string `json:"values"`
}

// Combination is one point of the grid: one value per axis.
type Combination struct {
	Index    int       `json:"index"`
	Settings []Setting `json:"settings"`
}

// Sample is one rehearsal: one combination, one scenario, one seed.
type Sample struct {
	Combination int    `json:"combination"`
	Scenario    string `json:"scenario"`
	// Bad is true when the release should be rolled back.
	Bad        bool   `json:"bad"`
	Seed       int64  `json:"seed"`
	Outcome    string `json:"outcome"`
	RolledBack bool   `json:"rolledBack"`
	// DecidedAt is seconds from the release to the final decision; nil when
	// the run ended undecided.
	DecidedAt *float64 `json:"decidedAt"`
	// CanaryRequests and CanaryErrors count what the new version served
	// from the release to the decision: the blast radius.
	CanaryRequests float64 `json:"canaryRequests"`
	CanaryErrors   float64 `json:"canaryErrors"`
	// Error is set when the run could not complete.
	Error string `json:"error,omitempty"`
}

// Result is a whole sweep, or one shard of it ("i/n", 1-based).
type Result struct {
	Scenarios    []string      `json:"scenarios"`
	Axes         []Axis        `json:"axes"`
	Combinations []Combination `json:"combinations"`
	Seeds        int           `json:"seeds"`
	Shard        string        `json:"shard,omitempty"`
	// Interrupted: a signal stopped the sweep; Samples hold only the
	// rehearsals that finished, so a combination may have fewer seeds.
	Interrupted bool     `json:"interrupted,omitempty"`
	Samples     []Sample `json:"samples"`
}
