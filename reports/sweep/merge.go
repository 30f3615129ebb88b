// This file merges the shards of one sweep run on several machines, refusing
// shards of different sweeps, missing shards and repeated runs.

package sweepreport

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Merge joins the shards of one sweep ("1/n" … "n/n", every one of
// them, in any order) into the whole result, with Shard "" and samples
// sorted by combination, scenario and seed. It refuses shards of different
// sweeps, a missing or repeated shard, and a run that appears twice.
func Merge(parts []Result) (Result, error) {
	if len(parts) == 0 {
		return Result{}, fmt.Errorf("merge sweeps: no results given: pass the sweep.json of every shard")
	}
	if err := checkComplete(parts); err != nil {
		return Result{}, fmt.Errorf("merge sweeps: %w", err)
	}
	if err := checkShardSet(parts); err != nil {
		return Result{}, fmt.Errorf("merge sweeps: %w", err)
	}
	merged := parts[0]
	merged.Shard, merged.Samples = "", nil
	for _, p := range parts {
		if err := sameSweep(parts[0], p); err != nil {
			return Result{}, fmt.Errorf("merge sweeps: shard %s is not from the same sweep as shard %s: %w", p.Shard, parts[0].Shard, err)
		}
		merged.Samples = append(merged.Samples, p.Samples...)
	}
	merged.Samples = sortedSamples(merged.Samples)
	if err := checkRuns(merged); err != nil {
		return Result{}, fmt.Errorf("merge sweeps: %w", err)
	}
	return merged, nil
}

// checkComplete refuses a part a signal stopped: its missing runs would
// otherwise be reported as a shard that is incomplete for no known reason.
func checkComplete(parts []Result) error {
	for _, p := range parts {
		if !p.Interrupted {
			continue
		}
		if p.Shard == "" {
			return fmt.Errorf("the sweep was interrupted and holds only the runs that finished: run it again")
		}
		return fmt.Errorf("shard %s was interrupted and holds only the runs that finished: run that shard again", p.Shard)
	}
	return nil
}

// checkShardSet accepts one whole sweep, or shards 1/n … n/n, each once.
func checkShardSet(parts []Result) error {
	if len(parts) == 1 && parts[0].Shard == "" {
		return nil
	}
	n := 0
	seen := map[int]bool{}
	for _, p := range parts {
		i, of, err := parseShard(p.Shard)
		if err != nil {
			return err
		}
		if n != 0 && of != n {
			return fmt.Errorf("shard %s and shard %s split the sweep differently: merge shards of one run of rehearse sweep", parts[0].Shard, p.Shard)
		}
		if n = of; seen[i] {
			return fmt.Errorf("shard %s is given twice: pass each shard's result once", p.Shard)
		}
		seen[i] = true
	}
	return missingShards(seen, n)
}

// parseShard reads "i/n" with 1 <= i <= n.
func parseShard(s string) (i, n int, err error) {
	if s == "" {
		return 0, 0, fmt.Errorf("a whole sweep cannot be merged with shards: pass only the results of --shard runs")
	}
	a, b, ok := strings.Cut(s, "/")
	i, errI := strconv.Atoi(a)
	n, errN := strconv.Atoi(b)
	if !ok || errI != nil || errN != nil || i < 1 || i > n {
		return 0, 0, fmt.Errorf("shard %q is not of the form i/n with 1 <= i <= n: the result file is damaged", s)
	}
	return i, n, nil
}

func missingShards(seen map[int]bool, n int) error {
	var missing []string
	for i := 1; i <= n; i++ {
		if !seen[i] {
			missing = append(missing, fmt.Sprintf("%d/%d", i, n))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("shard %s is missing: pass the result of every shard", strings.Join(missing, ", "))
	}
	return nil
}

// sameSweep says how two shards' sweeps differ, if they do.
func sameSweep(a, b Result) error {
	switch {
	case !slices.Equal(a.Scenarios, b.Scenarios):
		return fmt.Errorf("scenarios [%s] differ from [%s]", strings.Join(b.Scenarios, ", "), strings.Join(a.Scenarios, ", "))
	case !slices.EqualFunc(a.Axes, b.Axes, sameAxis):
		return fmt.Errorf("the --set axes differ")
	case !slices.EqualFunc(a.Combinations, b.Combinations, sameCombination):
		return fmt.Errorf("the combinations differ")
	case a.Seeds != b.Seeds:
		return fmt.Errorf("%d seeds differ from %d", b.Seeds, a.Seeds)
	}
	return nil
}

func sameAxis(a, b Axis) bool {
	return a.Path == b.Path && slices.Equal(a.Values, b.Values)
}

func sameCombination(a, b Combination) bool {
	return a.Index == b.Index && slices.Equal(a.Settings, b.Settings)
}

// checkRuns refuses a run given twice, and a sum of shards that is not
// the whole sweep (every combination × scenario × seed once).
func checkRuns(res Result) error {
	for i := 1; i < len(res.Samples); i++ {
		if a, b := res.Samples[i-1], res.Samples[i]; compareSamples(a, b) == 0 {
			return fmt.Errorf("the run of combination %d, scenario %s, seed %d appears twice: shards must not overlap", b.Combination, b.Scenario, b.Seed)
		}
	}
	want := len(res.Combinations) * len(res.Scenarios) * res.Seeds
	if len(res.Samples) != want {
		return fmt.Errorf("the shards hold %d runs, but the sweep has %d (%d combinations × %d scenarios × %d seeds): a shard is incomplete",
			len(res.Samples), want, len(res.Combinations), len(res.Scenarios), res.Seeds)
	}
	return nil
}
