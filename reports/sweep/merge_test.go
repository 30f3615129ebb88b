// This file checks that merged shards give the whole sweep, byte for byte,
// and that mismatched shard sets are refused.

package sweepreport

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// splitShards deals the runs of a whole sweep to n shards the way
// sim/sweep does: run i goes to shard i mod n + 1.
func splitShards(res Result, n int) []Result {
	parts := make([]Result, n)
	for i := range parts {
		parts[i] = res
		parts[i].Shard = fmt.Sprintf("%d/%d", i+1, n)
		parts[i].Samples = nil
	}
	for i, s := range res.Samples {
		parts[i%n].Samples = append(parts[i%n].Samples, s)
	}
	return parts
}

func TestMergeSweepsGivesTheWhole(t *testing.T) {
	whole := sweepFixture()
	reversed := splitShards(whole, 3)
	slices.Reverse(reversed)
	tests := []struct {
		name  string
		parts []Result
	}{
		{"two shards", splitShards(whole, 2)},
		{"three shards in reverse order", reversed},
		{"one shard of one", splitShards(whole, 1)},
		{"a whole sweep alone", []Result{whole}},
	}
	want := normalizedSweep(whole)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Merge(tt.parts)
			if err != nil {
				t.Fatal(err)
			}
			if got.Shard != "" || !reflect.DeepEqual(got, want) {
				t.Fatalf("merged result differs from the whole sweep (shard %q, %d samples)", got.Shard, len(got.Samples))
			}
			// The reports of the merged sweep are the reports of the whole one.
			if !bytes.Equal(sweepJSON(t, got), sweepJSON(t, whole)) {
				t.Errorf("sweep.json of the merged shards differs from the whole sweep's")
			}
		})
	}
}

func sweepJSON(t *testing.T, res Result) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := (Options{}).WriteJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestMergeSweepsRefuses(t *testing.T) {
	whole := sweepFixture()
	shards := func(n int, change func([]Result)) []Result {
		p := splitShards(sweepFixture(), n)
		change(p)
		return p
	}
	tests := []struct {
		name  string
		parts []Result
		want  string
	}{
		{"nothing", nil, "no results given"},
		{"a missing shard", splitShards(whole, 3)[:2], "shard 3/3 is missing"},
		{"a shard twice", shards(2, func(p []Result) { p[1] = p[0] }), "shard 1/2 is given twice"},
		{"shards of different splits", append(splitShards(whole, 2)[:1], splitShards(whole, 3)[1:]...), "split the sweep differently"},
		{"a whole sweep with a shard", []Result{whole, splitShards(whole, 2)[0]}, "a whole sweep cannot be merged with shards"},
		{"a damaged shard name", shards(2, func(p []Result) { p[1].Shard = "3/2" }), `shard "3/2" is not of the form i/n`},
		{"different seeds", shards(2, func(p []Result) { p[1].Seeds = 30 }), "30 seeds differ from 20"},
		{"different scenarios", shards(2, func(p []Result) { p[1].Scenarios = []string{"bad-release", "slow-release"} }),
			"scenarios [bad-release, slow-release] differ from [bad-release, good-release]"},
		{"different axes", shards(2, func(p []Result) {
			p[1].Axes = []Axis{{Path: sweepThresholdPath, Values: []string{"1", "3", "5"}}, {Path: sweepMinPath, Values: []string{"99", "99.9"}}}
		}), "the --set axes differ"},
		{"different combinations", shards(2, func(p []Result) {
			p[1].Combinations = slices.Clone(p[1].Combinations)
			p[1].Combinations[0] = Combination{Index: 0, Settings: []Setting{{Path: sweepThresholdPath, Value: "2"}}}
		}), "the combinations differ"},
		{"a run in two shards", shards(2, func(p []Result) { p[1].Samples = append(p[1].Samples, p[0].Samples[0]) }),
			"the run of combination 0, scenario bad-release, seed 1 appears twice"},
		{"an incomplete shard", shards(2, func(p []Result) { p[1].Samples = p[1].Samples[1:] }),
			"the shards hold 239 runs, but the sweep has 240 (6 combinations × 2 scenarios × 20 seeds)"},
		{"an interrupted shard", shards(2, func(p []Result) { p[1].Interrupted = true }),
			"shard 2/2 was interrupted and holds only the runs that finished: run that shard again"},
		{"an interrupted whole sweep", []Result{func() Result { r := sweepFixture(); r.Interrupted = true; return r }()},
			"the sweep was interrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Merge(tt.parts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant one saying %q", err, tt.want)
			}
		})
	}
}

func TestReadSweepJSON(t *testing.T) {
	whole := sweepFixture()
	got, err := ReadJSON(bytes.NewReader(sweepJSON(t, whole)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, normalizedSweep(whole)) {
		t.Errorf("reading sweep.json back does not give the result that was written")
	}
	bare, err := ReadJSON(strings.NewReader(`{"scenarios":["a"],"seeds":2,"shard":"1/2","samples":[{"combination":0,"scenario":"a","seed":1,"decidedAt":null}]}`))
	if err != nil || bare.Seeds != 2 || bare.Shard != "1/2" || len(bare.Samples) != 1 {
		t.Errorf("a bare result should read as itself, got %+v, %v", bare, err)
	}
	if _, err := ReadJSON(strings.NewReader(`{"seeds": "many"}`)); err == nil || !strings.Contains(err.Error(), "sweep.json written by rehearse sweep") {
		t.Errorf("a damaged file should say what was expected, got %v", err)
	}
}

func TestWriteSweepAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	res := sweepFixture()
	if err := (Options{}).WriteAll(dir, res); err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"sweep.csv":  func(b *bytes.Buffer) error { return Options{}.WriteCSV(b, res) },
		"sweep.json": func(b *bytes.Buffer) error { return Options{}.WriteJSON(b, res) },
		"sweep.html": func(b *bytes.Buffer) error { return Options{}.WriteHTML(b, res) },
	} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := write(&want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s differs from what its writer gives", name)
		}
	}
	broken := sweepFixture()
	broken.Samples[0].Combination = 99
	empty := filepath.Join(t.TempDir(), "none")
	if err := (Options{}).WriteAll(empty, broken); err == nil {
		t.Errorf("a damaged result should be refused")
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Errorf("a refused result should leave no folder behind")
	}
}
