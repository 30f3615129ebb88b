// This file tests sweeping over the shipped recordings: minimums ×
// intervals, one run per combination.

package sweep

import (
	"context"
	"fmt"
	"strings"
	"testing"

	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"

	"github.com/rehearse-dev/rehearse/scenarios"
)

// TestSweepOverRecordings sweeps minimums × intervals over the shipped
// recording's incident and its good release: each combination runs each
// recording once; only the strict minimum on 1m ticks catches the
// incident, and no setting rolls back the good release. The page names
// each recording's role.
func TestSweepOverRecordings(t *testing.T) {
	scs, err := scenarios.Load("../../fixtures/recordings/podinfo-incident.yaml", "../../fixtures/recordings/podinfo-good-release.yaml")
	if err != nil {
		t.Fatal(err)
	}
	axes := []sweepreport.Axis{{Path: "metrics[request-success-rate].thresholdRange.min", Values: []string{"75", "99"}},
		{Path: "analysis.interval", Values: []string{"30s", "1m"}}}
	res, err := Run(context.Background(), scs, Options{Axes: axes, Seeds: 50})
	if err != nil {
		t.Fatal(err)
	}
	if res.Seeds != 1 || len(res.Samples) != 4*2 {
		t.Fatalf("seeds %d, %d samples: a recording runs once per combination", res.Seeds, len(res.Samples))
	}
	got := map[string]bool{}
	for _, s := range res.Samples {
		if s.Error != "" {
			t.Fatalf("%s: %s", s.Scenario, s.Error)
		}
		got[fmt.Sprintf("%s %s", label(res, s.Combination), s.Scenario)] = s.RolledBack
	}
	want := map[string]bool{
		// 1m ticks: the strict minimum catches the fault at 10:41:41.
		"min=99 interval=1m podinfo-incident": true,
		// 30s ticks promote at 10:40:00, before the fault began: the
		// recording cannot say what a finished promotion would have met.
		"min=99 interval=30s podinfo-incident": false,
		// A 75% minimum lets a release answering about 80% through.
		"min=75 interval=1m podinfo-incident":  false,
		"min=75 interval=30s podinfo-incident": false,
	}
	for _, iv := range []string{"30s", "1m"} {
		for _, min := range []string{"75", "99"} {
			want["min="+min+" interval="+iv+" podinfo-good-release"] = false
		}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: rolled back %v, want %v", k, got[k], w)
		}
	}
	var page strings.Builder
	if err := (sweepreport.Options{}).WriteHTML(&page, *res); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"podinfo-incident", "bad release: should be rolled back", "podinfo-good-release", "good release: should be promoted"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("the sweep page lacks %q", want)
		}
	}
}

func label(res *sweepreport.Result, combo int) string {
	var parts []string
	for _, s := range res.Combinations[combo].Settings {
		name := s.Path[strings.LastIndex(s.Path, ".")+1:]
		parts = append(parts, name+"="+s.Value)
	}
	return strings.Join(parts, " ")
}
