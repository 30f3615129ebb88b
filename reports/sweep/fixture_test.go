// This file builds the hand-made sweep the golden files and tests read, with
// known rates and decision times per combination.

package sweepreport

import "strconv"

// The sweep below is built by hand: analysis.threshold 1, 3, 5 × success
// rate min 99, 99.5 (six combinations) × a bad and a good release × 20
// seeds. Outcomes follow fixed rules so every count is known in advance:
// seed*7 and seed*11 run through every residue mod 20, so exactly
// sweepDetect[c] bad and sweepFalse[c] good seeds roll back.

const (
	sweepThresholdPath = "analysis.threshold"
	sweepMinPath       = "analysis.metrics[request-success-rate].thresholdRange.min"
	sweepSeeds         = 20
)

var (
	sweepThresholds = []string{"1", "3", "5"}
	sweepMins       = []string{"99", "99.5"}
	sweepDetect     = []int{20, 20, 19, 20, 15, 18}
	sweepFalse      = []int{2, 7, 0, 1, 0, 0}
)

// sweepFixture is the whole sweep, samples in the order a sweep runs them.
func sweepFixture() Result {
	res := Result{
		Scenarios: []string{"bad-release", "good-release"},
		Axes:      []Axis{{Path: sweepThresholdPath, Values: sweepThresholds}, {Path: sweepMinPath, Values: sweepMins}},
		Seeds:     sweepSeeds,
	}
	for i := range len(sweepThresholds) * len(sweepMins) {
		res.Combinations = append(res.Combinations, Combination{Index: i, Settings: []Setting{
			{Path: sweepThresholdPath, Value: sweepThresholds[i/2]}, {Path: sweepMinPath, Value: sweepMins[i%2]}}})
		for seed := int64(1); seed <= sweepSeeds; seed++ {
			res.Samples = append(res.Samples, badSample(i, seed))
		}
		for seed := int64(1); seed <= sweepSeeds; seed++ {
			res.Samples = append(res.Samples, goodSample(i, seed))
		}
	}
	return res
}

// threshold is the analysis.threshold of combination c.
func threshold(c int) float64 {
	t, _ := strconv.Atoi(sweepThresholds[c/2])
	return float64(t)
}

func badSample(c int, seed int64) Sample {
	s := Sample{Combination: c, Scenario: "bad-release", Bad: true, Seed: seed}
	rolled := (int(seed)*7+c*3)%20 < sweepDetect[c]
	if c == 5 && seed == 20 {
		s.Error = "apply route weights for test/podinfo: dial tcp 127.0.0.1:6443: connect: connection refused"
		return s
	}
	decided := 600 + 60*float64(seed%2)
	if rolled {
		decided = 60 * (threshold(c) + 1 + float64(seed%3))
	}
	s.Outcome, s.RolledBack, s.DecidedAt = outcome(rolled), rolled, &decided
	s.CanaryRequests = decided * 2
	s.CanaryErrors = decided / 60 * float64(4+seed%5)
	return s
}

func goodSample(c int, seed int64) Sample {
	s := Sample{Combination: c, Scenario: "good-release", Seed: seed}
	if c == 5 && seed == 20 {
		s.Outcome = "Progressing"
		return s
	}
	rolled := (int(seed)*11+c)%20 < sweepFalse[c]
	decided := 540 + 60*float64(seed%3)
	if rolled {
		decided = 60 * (threshold(c) + 1 + float64(seed%2))
	}
	s.Outcome, s.RolledBack, s.DecidedAt = outcome(rolled), rolled, &decided
	s.CanaryRequests = decided * 2
	s.CanaryErrors = float64(seed % 2)
	return s
}

func outcome(rolledBack bool) string {
	if rolledBack {
		return "Failed"
	}
	return "Succeeded"
}
