// This file validates every folder of fixtures/patterns as `rehearse
// validate` does and compares each Canary and policy verdict with the
// folder's VERDICTS file.

package main

import (
	"bufio"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	validatereport "github.com/rehearse-dev/rehearse/reports/validate"

	"github.com/rehearse-dev/rehearse/sim"
	"github.com/rehearse-dev/rehearse/sim/policy"
)

// patternsDir holds one folder per pattern found in real teams' manifests,
// each written by us to reproduce it, with a VERDICTS file: what Flagger
// would decide for every built-in policy of every Canary in the folder.
const patternsDir = "../../fixtures/patterns"

// TestPatternVerdicts validates every pattern folder as `rehearse validate`
// does and compares each Canary × policy verdict with its VERDICTS file. A
// verdict missing from the file, or listed and not reached, fails.
func TestPatternVerdicts(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(patternsDir, "*", "VERDICTS"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no pattern under %s: %v", patternsDir, err)
	}
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			want := readVerdicts(t, f)
			got := patternVerdicts(t, dir)
			for _, k := range slices.Sorted(maps.Keys(mergeKeys(want, got))) {
				if want[k] != got[k] {
					t.Errorf("%s: want %q, got %q", k, orNothing(want[k]), orNothing(got[k]))
				}
			}
		})
	}
}

// patternVerdicts rehearses every Canary of dir under every built-in
// policy; the key is "namespace/name policy".
func patternVerdicts(t *testing.T, dir string) map[string]string {
	t.Helper()
	plan, scs, err := loadValidation(validateConfig{manifests: []string{dir}, maxRollback: policy.DefaultMaxRollbackTime})
	if err != nil {
		t.Fatalf("rehearse validate %s: %v", dir, err)
	}
	runs, err := sim.RunAll(context.Background(), scs, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range plan.Validation(plan.Attach(runs)).Results {
		if r.Policy != "" {
			got[r.Canary+" "+r.Policy] = verdictOf(r)
		}
	}
	for _, s := range plan.Skipped {
		got[s.Canary+" "+s.Policy] = "skipped"
	}
	return got
}

// verdictOf words one policy's result as VERDICTS files do.
func verdictOf(r validatereport.Result) string {
	switch {
	case !r.Passed():
		return "failed"
	case r.NotRehearsable():
		return "not-rehearsable"
	}
	return "held"
}

func readVerdicts(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 {
			t.Fatalf("%s:%d: want `namespace/name policy verdict`, got %q", file, n, line)
		}
		out[fields[0]+" "+fields[1]] = fields[2]
	}
	return out
}

func mergeKeys(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}
