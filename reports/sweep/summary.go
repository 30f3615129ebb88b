// This file summarizes a sweep: per combination, its detection and false-
// rollback rates, decision times and blast radius, and the findings.

package sweepreport

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/rehearse-dev/rehearse/reports/internal/jsonwire"
	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// defaultMaxFalseRollback is the share of good releases a user is assumed
// to accept seeing rolled back when nothing else is said.
const defaultMaxFalseRollback = 0.05

// Options say what a sweep report calls acceptable. The zero value
// uses the defaults.
type Options struct {
	// MaxFalseRollback is the largest share of good releases (0-1) a user
	// accepts to see rolled back. A combination is recommended only when
	// the upper bound of its false-rollback interval is below it. 0 means 5%.
	MaxFalseRollback float64
}

// limit is the false-rollback limit with the default applied.
func (o Options) limit() float64 {
	if o.MaxFalseRollback == 0 {
		return defaultMaxFalseRollback
	}
	return o.MaxFalseRollback
}

func (o Options) check() error {
	if l := o.limit(); l <= 0 || l >= 1 {
		return fmt.Errorf("the false-rollback limit must be a share between 0 and 1 (0.05 for 5%%), not %v", l)
	}
	return nil
}

// Summary is what a user acts on: per-combination statistics and the
// findings drawn from them.
type Summary struct {
	MaxFalseRollback float64              `json:"maxFalseRollback"`
	Runs             int                  `json:"runs"`
	Methods          Methods              `json:"methods"`
	Combinations     []CombinationSummary `json:"combinations"`
	Findings         []Finding            `json:"findings"`
}

// Methods names the statistics behind each interval, so a reader of
// sweep.json can judge them.
type Methods struct {
	Rates     string `json:"rates"`
	Quantiles string `json:"quantiles"`
	Means     string `json:"means"`
}

var sweepMethods = Methods{
	Rates:     "95% Wilson score interval",
	Quantiles: "nearest-rank quantile; distribution-free 95% interval from order statistics (binomial); null bound when too few runs to set it",
	Means:     "95% percentile bootstrap, 2000 resamples, fixed seed",
}

// CombinationSummary is the statistics of one combination. Runs that
// could not complete (Errored) count in no rate; undecided runs count as
// not rolled back.
type CombinationSummary struct {
	Index    int       `json:"index"`
	Label    string    `json:"label"`
	Settings []Setting `json:"settings"`
	Runs     int       `json:"runs"`
	// Detection is P(rolled back | bad release).
	Detection Rate `json:"detection"`
	// FalseRollback is P(rolled back | good release).
	FalseRollback Rate `json:"falseRollback"`
	// BadDecision and GoodDecision are seconds from the release to the
	// final decision, over decided runs.
	BadDecision  Quantiles `json:"badDecisionSeconds"`
	GoodDecision Quantiles `json:"goodDecisionSeconds"`
	// BlastRadius is the canary's failed requests before a bad release was
	// rolled back.
	BlastRadius Blast `json:"blastRadiusErrors"`
	Undecided   int   `json:"undecided"`
	Errored     int   `json:"errored"`
}

// Rate is Count of N runs with its 95% interval; Rate, Lo and Hi are
// nil when N is 0.
type Rate struct {
	Count int      `json:"count"`
	N     int      `json:"n"`
	Rate  *float64 `json:"rate"`
	Lo    *float64 `json:"lo"`
	Hi    *float64 `json:"hi"`
}

// Estimate is a statistic of N values with its 95% interval. Value is
// nil when N is 0; a nil bound means N is too small to set it.
type Estimate struct {
	N     int      `json:"n"`
	Value *float64 `json:"value"`
	Lo    *float64 `json:"lo"`
	Hi    *float64 `json:"hi"`
}

// Quantiles is the median and 95th percentile of a set of values.
type Quantiles struct {
	Median Estimate `json:"median"`
	P95    Estimate `json:"p95"`
}

// Blast is the mean and 95th percentile of canary errors.
type Blast struct {
	Mean Estimate `json:"mean"`
	P95  Estimate `json:"p95"`
}

// Summarize computes every combination's statistics and the findings.
func Summarize(res Result, opts Options) (Summary, error) {
	if err := opts.check(); err != nil {
		return Summary{}, err
	}
	groups, err := samplesByCombination(res)
	if err != nil {
		return Summary{}, err
	}
	names := settingNames(res)
	sum := Summary{MaxFalseRollback: opts.limit(), Runs: len(res.Samples), Methods: sweepMethods}
	for _, c := range sortedCombinations(res.Combinations) {
		sum.Combinations = append(sum.Combinations, summarizeCombination(c, comboLabel(c, names), groups[c.Index]))
	}
	sum.Findings = sweepFindings(sum.Combinations, newSweepFacts(res, sum.Combinations), opts.limit())
	return sum, nil
}

// samplesByCombination groups the samples, each group sorted by scenario
// and seed, and refuses samples of a combination the sweep does not have.
func samplesByCombination(res Result) (map[int][]Sample, error) {
	groups := make(map[int][]Sample, len(res.Combinations))
	for _, c := range res.Combinations {
		if _, dup := groups[c.Index]; dup {
			return nil, fmt.Errorf("the sweep lists combination %d twice: each combination needs its own index", c.Index)
		}
		groups[c.Index] = []Sample{}
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

func sortedCombinations(cs []Combination) []Combination {
	return slices.SortedStableFunc(slices.Values(cs), func(a, b Combination) int { return cmp.Compare(a.Index, b.Index) })
}

// sortedSamples orders samples by combination, scenario and seed.
func sortedSamples(ss []Sample) []Sample {
	return slices.SortedStableFunc(slices.Values(ss), compareSamples)
}

func compareSamples(a, b Sample) int {
	return cmp.Or(cmp.Compare(a.Combination, b.Combination), strings.Compare(a.Scenario, b.Scenario), cmp.Compare(a.Seed, b.Seed))
}

// sweepTally collects one combination's runs.
type sweepTally struct {
	badN, badRolled, goodN, goodRolled int
	badTimes, goodTimes, blast         []float64
	undecided, errored                 int
}

func (t *sweepTally) add(s Sample) {
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

func appendDecided(times []float64, s Sample) []float64 {
	if s.DecidedAt == nil {
		return times
	}
	return append(times, *s.DecidedAt)
}

func summarizeCombination(c Combination, label string, samples []Sample) CombinationSummary {
	var t sweepTally
	for _, s := range samples {
		t.add(s)
	}
	return CombinationSummary{
		Index: c.Index, Label: label, Settings: jsonwire.NonNil(c.Settings), Runs: len(samples),
		Detection:     rateEstimate(t.badRolled, t.badN),
		FalseRollback: rateEstimate(t.goodRolled, t.goodN),
		BadDecision:   quantiles(t.badTimes),
		GoodDecision:  quantiles(t.goodTimes),
		BlastRadius:   Blast{Mean: meanEstimate(t.blast), P95: quantileEstimate(t.blast, 0.95)},
		Undecided:     t.undecided, Errored: t.errored,
	}
}

func quantiles(xs []float64) Quantiles {
	return Quantiles{Median: quantileEstimate(xs, 0.5), P95: quantileEstimate(xs, 0.95)}
}

// settingNames gives each setting path a short name for labels: its last
// field (threshold, min), or the whole path when two paths share it.
func settingNames(res Result) map[string]string {
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
func comboLabel(c Combination, names map[string]string) string {
	if len(c.Settings) == 0 {
		return "defaults"
	}
	parts := make([]string, len(c.Settings))
	for i, s := range c.Settings {
		parts[i] = text.OneLine(names[s.Path] + "=" + s.Value)
	}
	return strings.Join(parts, ", ")
}
