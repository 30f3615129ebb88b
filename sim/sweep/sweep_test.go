// This file tests the sweep's parts (ParseAxis, Grid, Apply) and a small
// real sweep, which refuses scenarios that have no verdict to compare and,
// interrupted, keeps only the rehearsals that finished.

package sweep

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"

	"github.com/rehearse-dev/rehearse/scenarios"
)

func TestParseAxis(t *testing.T) {
	cases := []struct {
		flag   string
		path   string
		values []string
		err    string
	}{
		{"analysis.threshold=1,2,3,5", "analysis.threshold", []string{"1", "2", "3", "5"}, ""},
		{"analysis.interval=30s,1m", "analysis.interval", []string{"30s", "1m"}, ""},
		{"metrics[request-success-rate].thresholdRange.min=95:99.5:0.5", "metrics[request-success-rate].thresholdRange.min",
			[]string{"95", "95.5", "96", "96.5", "97", "97.5", "98", "98.5", "99", "99.5"}, ""},
		{"a=0.1:0.3:0.1", "a", []string{"0.1", "0.2", "0.3"}, ""},
		{"analysis.threshold", "", nil, "write PATH=V1,V2"},
		{"=1,2", "", nil, "write PATH=V1,V2"},
		{"a=1,,2", "", nil, "empty value"},
		{"a=5:1:1", "", nil, "FROM <= TO"},
		{"a=1:5:0", "", nil, "positive STEP"},
		{"a=x:5:1", "", nil, "not a number"},
		{"a=0:1000000:1", "", nil, "at most"},
	}
	for _, c := range cases {
		ax, err := ParseAxis(c.flag)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseAxis(%q) = %v, want error with %q", c.flag, err, c.err)
			}
			continue
		}
		if err != nil || ax.Path != c.path || !slices.Equal(ax.Values, c.values) {
			t.Errorf("ParseAxis(%q) = %+v, %v; want %s %v", c.flag, ax, err, c.path, c.values)
		}
	}
}

func TestGrid(t *testing.T) {
	g, err := Grid([]sweepreport.Axis{{Path: "a", Values: []string{"1", "2"}}, {Path: "b", Values: []string{"x", "y", "z"}}})
	if err != nil || len(g) != 6 {
		t.Fatalf("Grid = %d combinations, %v", len(g), err)
	}
	if got := g[4].Settings; got[0].Value != "2" || got[1].Value != "y" || g[4].Index != 4 {
		t.Errorf("combination 4 = %+v, want a=2 b=y", g[4])
	}
	if g, _ := Grid(nil); len(g) != 1 {
		t.Errorf("no axes must give one combination (the scenario as written), got %d", len(g))
	}
	big := sweepreport.Axis{Path: "a", Values: make([]string, 200)}
	if _, err := Grid([]sweepreport.Axis{big, big}); err == nil {
		t.Errorf("a grid over the limit must be refused")
	}
}

func library(t *testing.T, names ...string) []*scenarios.Scenario {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, "../../scenarios/library/"+n+".yaml")
	}
	scs, err := scenarios.Load(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return scs
}

func TestApply(t *testing.T) {
	cd := library(t, "bad-release")[0].Canary
	cases := []struct {
		settings []sweepreport.Setting
		check    func(t *testing.T, err error, got string)
	}{
		{[]sweepreport.Setting{{Path: "analysis.threshold", Value: "3"}, {Path: "metrics[request-success-rate].thresholdRange.min", Value: "99.5"}}, nil},
		{[]sweepreport.Setting{{Path: "analysis.interval", Value: "30s"}}, nil},
		{[]sweepreport.Setting{{Path: "spec.progressDeadlineSeconds", Value: "120"}}, nil},
		{[]sweepreport.Setting{{Path: "analysis.treshold", Value: "3"}}, nil},
		{[]sweepreport.Setting{{Path: "analysis.threshold", Value: "three"}}, nil},
		{[]sweepreport.Setting{{Path: "metrics[request-sucess-rate].thresholdRange.min", Value: "99"}}, nil},
		{[]sweepreport.Setting{{Path: "metrics[request-duration]", Value: "1"}}, nil},
	}
	out0, err := Apply(cd, cases[0].settings)
	if err != nil || out0.GetAnalysis().Threshold != 3 || *out0.GetAnalysis().Metrics[0].ThresholdRange.Min != 99.5 {
		t.Fatalf("threshold and min not applied: %v", err)
	}
	if cd.GetAnalysis().Threshold == 3 {
		t.Errorf("Apply changed the scenario's own Canary")
	}
	if out, err := Apply(cd, cases[1].settings); err != nil || out.GetAnalysis().Interval != "30s" {
		t.Errorf("interval: %v", err)
	}
	if out, err := Apply(cd, cases[2].settings); err != nil || *out.Spec.ProgressDeadlineSeconds != 120 {
		t.Errorf("progressDeadlineSeconds: %v", err)
	}
	for i, want := range map[int]string{3: "treshold", 4: "three", 5: "no metrics named", 6: "whole list element"} {
		if _, err := Apply(cd, cases[i].settings); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("case %d: %v, want an error mentioning %q", i, err, want)
		}
	}
}

// TestSweep runs a small real sweep: a strict threshold catches the bad
// release on every seed, and the good release is promoted on every seed.
func TestSweep(t *testing.T) {
	scs := library(t, "bad-release", "good-release")
	axes := []sweepreport.Axis{{Path: "analysis.threshold", Values: []string{"1", "5"}}}
	res, err := Run(context.Background(), scs, Options{Axes: axes, Seeds: 3, Noise: &scenarios.Noise{SuccessRate: 0.2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Samples) != 2*2*3 {
		t.Fatalf("%d samples, want 12", len(res.Samples))
	}
	for _, s := range res.Samples {
		if s.Error != "" {
			t.Fatalf("sample %+v: %s", s, s.Error)
		}
		if s.Bad != s.RolledBack {
			t.Errorf("sample %+v: bad=%v rolled back=%v", s, s.Bad, s.RolledBack)
		}
		if s.Bad && s.CanaryErrors == 0 {
			t.Errorf("a rolled-back bad release served no errors: %+v", s)
		}
	}
	whole := res.Samples
	parts := 0
	for i := 1; i <= 3; i++ {
		r, err := Run(context.Background(), scs, Options{Axes: axes, Seeds: 3, Shard: i, Shards: 3, Noise: &scenarios.Noise{SuccessRate: 0.2}})
		if err != nil || r.Shard == "" {
			t.Fatalf("shard %d: %v", i, err)
		}
		parts += len(r.Samples)
	}
	if parts != len(whole) {
		t.Errorf("shards hold %d samples, the whole sweep %d", parts, len(whole))
	}
}

// TestSweepInterrupted cancels a sweep after a few rehearsals: what it
// returns is marked interrupted and holds only rehearsals that ran to their
// end, each the same sample an uninterrupted sweep gives for that run.
func TestSweepInterrupted(t *testing.T) {
	scs := library(t, "bad-release", "good-release")
	axes := []sweepreport.Axis{{Path: "analysis.threshold", Values: []string{"1", "5"}}}
	opts := Options{Axes: axes, Seeds: 10, Noise: &scenarios.Noise{SuccessRate: 0.2}}
	whole, err := Run(context.Background(), scs, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts.Progress = func(done, _ int) {
		if done == 5 {
			cancel()
		}
	}
	res, err := Run(ctx, scs, opts)
	if !errors.Is(err, context.Canceled) || res == nil || !res.Interrupted {
		t.Fatalf("Run = %+v, %v; want an interrupted result and context.Canceled", res, err)
	}
	if n := len(res.Samples); n < 5 || n >= len(whole.Samples) {
		t.Fatalf("%d samples kept, want at least the 5 finished and fewer than all %d", n, len(whole.Samples))
	}
	for _, s := range res.Samples {
		if !slices.ContainsFunc(whole.Samples, func(w sweepreport.Sample) bool { return reflect.DeepEqual(w, s) }) {
			t.Errorf("sample %+v is not one an uninterrupted sweep gives", s)
		}
	}
}

func TestSweepRefusesScenariosWithoutVerdict(t *testing.T) {
	scs := library(t, "confirm-rollout-closed")
	if _, err := Run(context.Background(), scs, Options{Seeds: 1}); err == nil || !strings.Contains(err.Error(), "a sweep needs") {
		t.Errorf("got %v", err)
	}
}
