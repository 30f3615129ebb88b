// Package sweep replays scenarios over a grid of Canary settings and many
// seeds, so a user can see how often a policy catches a bad release, how
// often it rolls back a good one, and how fast it decides.
package sweep

// Setting is one Canary field set to one value, e.g.
// analysis.threshold=3 or metrics[request-success-rate].thresholdRange.min=99.
type Setting struct {
	Path  string `json:"path"`
	Value string `json:"value"`
}

// Axis is one --set flag: a field and the values it takes.
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
	// Bad is true when the scenario's release should be rolled back (its
	// expected outcome is Failed); false for a good release.
	Bad  bool  `json:"bad"`
	Seed int64 `json:"seed"`
	// Outcome is the final phase; RolledBack says it was Failed.
	Outcome    string `json:"outcome"`
	RolledBack bool   `json:"rolledBack"`
	// DecidedAt is seconds from the release to the final decision; nil when
	// the run ended undecided.
	DecidedAt *float64 `json:"decidedAt"`
	// CanaryRequests and CanaryErrors count the requests the new version
	// served, and those that failed, from the release to the decision: the
	// blast radius of a bad release.
	CanaryRequests float64 `json:"canaryRequests"`
	CanaryErrors   float64 `json:"canaryErrors"`
	// Error is set when the run could not complete.
	Error string `json:"error,omitempty"`
}

// Result is a whole sweep, or one shard of it.
type Result struct {
	Scenarios    []string      `json:"scenarios"`
	Axes         []Axis        `json:"axes"`
	Combinations []Combination `json:"combinations"`
	Seeds        int           `json:"seeds"`
	// Shard is "i/n" for one shard of a sharded sweep, "" for a whole one.
	Shard   string   `json:"shard,omitempty"`
	Samples []Sample `json:"samples"`
}
