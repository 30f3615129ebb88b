// This file is how recordings are swept: a recording's metrics are what
// they were whatever the seed, so it is replayed once per combination.

package sweep

import "github.com/rehearse-dev/rehearse/scenarios"

// seedsFor is how many seeds a scenario is swept over. A recording's
// metrics are what they were, whatever the seed: one run per combination
// says all there is.
func seedsFor(sc *scenarios.Scenario, opts Options) int {
	if sc.Recording != nil {
		return 1
	}
	return opts.Seeds
}

// sweptSeeds is the seed count a result reports: one when every scenario
// is a recording.
func sweptSeeds(scs []*scenarios.Scenario, opts Options) int {
	for _, sc := range scs {
		if sc.Recording == nil {
			return opts.Seeds
		}
	}
	return 1
}
