package reports

// The types below mirror sim/sweep's Result field for field, with the same
// JSON tags, so a sweep.json written from either decodes into the other.
// They live here because sim imports reports: reports cannot import sim.

// SweepSetting is one Canary field set to one value, e.g.
// analysis.threshold=3.
type SweepSetting struct {
	Path  string `json:"path"`
	Value string `json:"value"`
}

// SweepAxis is one swept field and the values it takes.
type SweepAxis struct {
	Path   string   `json:"path"`
	Values []string `json:"values"`
}

// SweepCombination is one point of the grid: one value per axis.
type SweepCombination struct {
	Index    int            `json:"index"`
	Settings []SweepSetting `json:"settings"`
}

// SweepSample is one rehearsal: one combination, one scenario, one seed.
type SweepSample struct {
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

// SweepResult is a whole sweep, or one shard of it ("i/n", 1-based).
type SweepResult struct {
	Scenarios    []string           `json:"scenarios"`
	Axes         []SweepAxis        `json:"axes"`
	Combinations []SweepCombination `json:"combinations"`
	Seeds        int                `json:"seeds"`
	Shard        string             `json:"shard,omitempty"`
	Samples      []SweepSample      `json:"samples"`
}
