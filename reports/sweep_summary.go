package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// defaultMaxFalseRollback is the share of good releases a user is assumed
// to accept seeing rolled back when nothing else is said.
const defaultMaxFalseRollback = 0.05

// SweepOptions say what a sweep report calls acceptable. The zero value
// uses the defaults.
type SweepOptions struct {
	// MaxFalseRollback is the largest share of good releases (0-1) a user
	// accepts to see rolled back. A combination is recommended only when
	// the upper bound of its false-rollback interval is below it. 0 means 5%.
	MaxFalseRollback float64
}

// limit is the false-rollback limit with the default applied.
func (o SweepOptions) limit() float64 {
	if o.MaxFalseRollback == 0 {
		return defaultMaxFalseRollback
	}
	return o.MaxFalseRollback
}

func (o SweepOptions) check() error {
	if l := o.limit(); l <= 0 || l >= 1 {
		return fmt.Errorf("the false-rollback limit must be a share between 0 and 1 (0.05 for 5%%), not %v", l)
	}
	return nil
}

// SweepSummary is what a user acts on: per-combination statistics and the
// findings drawn from them.
type SweepSummary struct {
	MaxFalseRollback float64                   `json:"maxFalseRollback"`
	Runs             int                       `json:"runs"`
	Methods          SweepMethods              `json:"methods"`
	Combinations     []SweepCombinationSummary `json:"combinations"`
	Findings         []SweepFinding            `json:"findings"`
}

// SweepMethods names the statistics behind each interval, so a reader of
// sweep.json can judge them.
type SweepMethods struct {
	Rates     string `json:"rates"`
	Quantiles string `json:"quantiles"`
	Means     string `json:"means"`
}

var sweepMethods = SweepMethods{
	Rates:     "95% Wilson score interval",
	Quantiles: "nearest-rank quantile; distribution-free 95% interval from order statistics (binomial); null bound when too few runs to set it",
	Means:     "95% percentile bootstrap, 2000 resamples, fixed seed",
}

// SweepCombinationSummary is the statistics of one combination. Runs that
// could not complete (Errored) count in no rate; undecided runs count as
// not rolled back.
type SweepCombinationSummary struct {
	Index    int            `json:"index"`
	Label    string         `json:"label"`
	Settings []SweepSetting `json:"settings"`
	Runs     int            `json:"runs"`
	// Detection is P(rolled back | bad release).
	Detection SweepRate `json:"detection"`
	// FalseRollback is P(rolled back | good release).
	FalseRollback SweepRate `json:"falseRollback"`
	// BadDecision and GoodDecision are seconds from the release to the
	// final decision, over decided runs.
	BadDecision  SweepQuantiles `json:"badDecisionSeconds"`
	GoodDecision SweepQuantiles `json:"goodDecisionSeconds"`
	// BlastRadius is the canary's failed requests before a bad release was
	// rolled back.
	BlastRadius SweepBlast `json:"blastRadiusErrors"`
	Undecided   int        `json:"undecided"`
	Errored     int        `json:"errored"`
}

// SweepRate is Count of N runs with its 95% interval; Rate, Lo and Hi are
// nil when N is 0.
type SweepRate struct {
	Count int      `json:"count"`
	N     int      `json:"n"`
	Rate  *float64 `json:"rate"`
	Lo    *float64 `json:"lo"`
	Hi    *float64 `json:"hi"`
}

// SweepEstimate is a statistic of N values with its 95% interval. Value is
// nil when N is 0; a nil bound means N is too small to set it.
type SweepEstimate struct {
	N     int      `json:"n"`
	Value *float64 `json:"value"`
	Lo    *float64 `json:"lo"`
	Hi    *float64 `json:"hi"`
}

// SweepQuantiles is the median and 95th percentile of a set of values.
type SweepQuantiles struct {
	Median SweepEstimate `json:"median"`
	P95    SweepEstimate `json:"p95"`
}

// SweepBlast is the mean and 95th percentile of canary errors.
type SweepBlast struct {
	Mean SweepEstimate `json:"mean"`
	P95  SweepEstimate `json:"p95"`
}

// SummarizeSweep computes every combination's statistics and the findings.
func SummarizeSweep(res SweepResult, opts SweepOptions) (SweepSummary, error) {
	if err := opts.check(); err != nil {
		return SweepSummary{}, err
	}
	groups, err := samplesByCombination(res)
	if err != nil {
		return SweepSummary{}, err
	}
	names := settingNames(res)
	sum := SweepSummary{MaxFalseRollback: opts.limit(), Runs: len(res.Samples), Methods: sweepMethods}
	for _, c := range sortedCombinations(res.Combinations) {
		sum.Combinations = append(sum.Combinations, summarizeCombination(c, comboLabel(c, names), groups[c.Index]))
	}
	sum.Findings = sweepFindings(sum.Combinations, newSweepFacts(res, sum.Combinations), opts.limit())
	return sum, nil
}

// samplesByCombination groups the samples, each group sorted by scenario
// and seed, and refuses samples of a combination the sweep does not have.
func samplesByCombination(res SweepResult) (map[int][]SweepSample, error) {
	groups := make(map[int][]SweepSample, len(res.Combinations))
	for _, c := range res.Combinations {
		if _, dup := groups[c.Index]; dup {
			return nil, fmt.Errorf("the sweep lists combination %d twice: each combination needs its own index", c.Index)
		}
		groups[c.Index] = []SweepSample{}
	}
	for _, s := range sortedSamples(res.Samples) {
		if _, ok := groups[s.Combination]; !ok {
			return nil, fmt.Errorf("a run of scenario %s (seed %d) refers to combination %d, which the sweep does not list: the result file is damaged or mixes two sweeps",
				s.Scenario, s.Seed, s.Combination)
		}
		groups[s.Combination] = append(groups[s.Combination], s)
	}
	return groups, nil
}

func sortedCombinations(cs []SweepCombination) []SweepCombination {
	return slices.SortedStableFunc(slices.Values(cs), func(a, b SweepCombination) int { return cmp.Compare(a.Index, b.Index) })
}

// sortedSamples orders samples by combination, scenario and seed.
func sortedSamples(ss []SweepSample) []SweepSample {
	return slices.SortedStableFunc(slices.Values(ss), compareSamples)
}

func compareSamples(a, b SweepSample) int {
	return cmp.Or(cmp.Compare(a.Combination, b.Combination), strings.Compare(a.Scenario, b.Scenario), cmp.Compare(a.Seed, b.Seed))
}

// sweepTally collects one combination's runs.
type sweepTally struct {
	badN, badRolled, goodN, goodRolled int
	badTimes, goodTimes, blast         []float64
	undecided, errored                 int
}

func (t *sweepTally) add(s SweepSample) {
	if s.Error != "" {
		t.errored++
		return
	}
	if s.DecidedAt == nil {
		t.undecided++
	}
	if s.Bad {
		t.badN, t.badRolled, t.badTimes = t.badN+1, t.badRolled+boolInt(s.RolledBack), appendDecided(t.badTimes, s)
		if s.RolledBack {
			t.blast = append(t.blast, s.CanaryErrors)
		}
		return
	}
	t.goodN, t.goodRolled, t.goodTimes = t.goodN+1, t.goodRolled+boolInt(s.RolledBack), appendDecided(t.goodTimes, s)
}

func appendDecided(times []float64, s SweepSample) []float64 {
	if s.DecidedAt == nil {
		return times
	}
	return append(times, *s.DecidedAt)
}

func summarizeCombination(c SweepCombination, label string, samples []SweepSample) SweepCombinationSummary {
	var t sweepTally
	for _, s := range samples {
		t.add(s)
	}
	return SweepCombinationSummary{
		Index: c.Index, Label: label, Settings: nonNil(c.Settings), Runs: len(samples),
		Detection:     rateEstimate(t.badRolled, t.badN),
		FalseRollback: rateEstimate(t.goodRolled, t.goodN),
		BadDecision:   quantiles(t.badTimes),
		GoodDecision:  quantiles(t.goodTimes),
		BlastRadius:   SweepBlast{Mean: meanEstimate(t.blast), P95: quantileEstimate(t.blast, 0.95)},
		Undecided:     t.undecided, Errored: t.errored,
	}
}

func quantiles(xs []float64) SweepQuantiles {
	return SweepQuantiles{Median: quantileEstimate(xs, 0.5), P95: quantileEstimate(xs, 0.95)}
}

// settingNames gives each setting path a short name for labels: its last
// field (threshold, min), or the whole path when two paths share it.
func settingNames(res SweepResult) map[string]string {
	var paths []string
	for _, a := range res.Axes {
		paths = append(paths, a.Path)
	}
	for _, c := range res.Combinations {
		for _, s := range c.Settings {
			paths = append(paths, s.Path)
		}
	}
	count := map[string]int{}
	names := map[string]string{}
	for _, p := range slices.Compact(slices.Sorted(slices.Values(paths))) {
		count[lastField(p)]++
	}
	for _, p := range paths {
		names[p] = p
		if count[lastField(p)] == 1 {
			names[p] = lastField(p)
		}
	}
	return names
}

// lastField is the part of a path after its last dot outside brackets:
// min in metrics[request-success-rate].thresholdRange.min.
func lastField(path string) string {
	depth := 0
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i] {
		case ']':
			depth++
		case '[':
			depth--
		case '.':
			if depth == 0 {
				return path[i+1:]
			}
		}
	}
	return path
}

// comboLabel writes a combination as short name=value pairs.
func comboLabel(c SweepCombination, names map[string]string) string {
	if len(c.Settings) == 0 {
		return "defaults"
	}
	parts := make([]string, len(c.Settings))
	for i, s := range c.Settings {
		parts[i] = oneLine(names[s.Path] + "=" + s.Value)
	}
	return strings.Join(parts, ", ")
}
