// This file turns --set flags into axes (a list of values or a FROM:TO:STEP
// range) and the axes into the grid of every combination, capped in size.

package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"
)

// maxCombinations bounds a grid, so a typo in a range cannot ask for
// millions of rehearsals.
const maxCombinations = 10000

// ParseAxis parses a --set flag: PATH=V1,V2,... or PATH=FROM:TO:STEP (an
// inclusive numeric range, e.g. 95:99.5:0.5).
func ParseAxis(flag string) (sweepreport.Axis, error) {
	path, values, ok := strings.Cut(flag, "=")
	path = strings.TrimSpace(path)
	if !ok || path == "" || values == "" {
		return sweepreport.Axis{}, fmt.Errorf("--set %q: write PATH=V1,V2 or PATH=FROM:TO:STEP, e.g. analysis.threshold=1,2,3", flag)
	}
	if strings.Count(values, ":") == 2 && !strings.Contains(values, ",") {
		vs, err := expandRange(values)
		if err != nil {
			return sweepreport.Axis{}, fmt.Errorf("--set %s: %w", path, err)
		}
		return sweepreport.Axis{Path: path, Values: vs}, nil
	}
	var vs []string
	for _, v := range strings.Split(values, ",") {
		if v = strings.TrimSpace(v); v == "" {
			return sweepreport.Axis{}, fmt.Errorf("--set %s: empty value in %q", path, values)
		}
		vs = append(vs, v)
	}
	return sweepreport.Axis{Path: path, Values: vs}, nil
}

// expandRange expands FROM:TO:STEP into its values, formatted without
// float noise (99.5, not 99.50000000001).
func expandRange(r string) ([]string, error) {
	parts := strings.Split(r, ":")
	var f [3]float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("range %q: %q is not a number", r, p)
		}
		f[i] = v
	}
	from, to, step := f[0], f[1], f[2]
	if step <= 0 || to < from {
		return nil, fmt.Errorf("range %q: needs FROM <= TO and a positive STEP", r)
	}
	n := int(math.Floor((to-from)/step+1e-9)) + 1
	if n > maxCombinations {
		return nil, fmt.Errorf("range %q has %d values; at most %d", r, n, maxCombinations)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.FormatFloat(math.Round((from+float64(i)*step)*1e9)/1e9, 'f', -1, 64)
	}
	return out, nil
}

// Grid is every combination of the axes' values, the first axis varying
// slowest.
func Grid(axes []sweepreport.Axis) ([]sweepreport.Combination, error) {
	total := 1
	for _, a := range axes {
		total *= len(a.Values)
		if total > maxCombinations {
			return nil, fmt.Errorf("the settings make more than %d combinations; sweep fewer values", maxCombinations)
		}
	}
	out := make([]sweepreport.Combination, total)
	for i := range out {
		rest := i
		settings := make([]sweepreport.Setting, len(axes))
		for j := len(axes) - 1; j >= 0; j-- {
			n := len(axes[j].Values)
			settings[j] = sweepreport.Setting{Path: axes[j].Path, Value: axes[j].Values[rest%n]}
			rest /= n
		}
		out[i] = sweepreport.Combination{Index: i, Settings: settings}
	}
	return out, nil
}
