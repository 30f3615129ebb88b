// Package sweep replays scenarios over a grid of Canary settings and many
// seeds, so a user can see how often a policy catches a bad release, how
// often it rolls back a good one, and how fast it decides.
package sweep

import "github.com/rehearse-dev/rehearse/reports"

// The sweep's data is the reports' sweep model, so a result goes to the
// writers (and a shard's sweep.json comes back) without conversion.
type (
	// Setting is one Canary field set to one value, e.g.
	// analysis.threshold=3 or metrics[request-success-rate].thresholdRange.min=99.
	Setting = reports.SweepSetting
	// Axis is one --set flag: a field and the values it takes.
	Axis = reports.SweepAxis
	// Combination is one point of the grid: one value per axis.
	Combination = reports.SweepCombination
	// Sample is one rehearsal: one combination, one scenario, one seed.
	Sample = reports.SweepSample
	// Result is a whole sweep, or one shard of it.
	Result = reports.SweepResult
)
