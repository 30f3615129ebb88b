// This file tests what chaos draws and reports: the catalogue covers every
// fault kind, a seed draws the same faults, and a run reports the outcomes a
// fault changed.

package chaos

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	chaosreport "github.com/rehearse-dev/rehearse/reports/chaos"
	"github.com/rehearse-dev/rehearse/scenarios"
)

func load(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.LoadFile("../../scenarios/library/" + name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestCatalogueCoversEveryKind(t *testing.T) {
	got := map[string]bool{}
	for _, f := range Catalogue(load(t, "good-release"), time.Minute) {
		got[string(f.Target)+"/"+f.Kind] = true
		if f.Target == scenarios.FaultWebhook && f.Hook == "" {
			t.Errorf("a webhook fault must name a hook: %s", f)
		}
	}
	for _, tg := range targets {
		for _, k := range tg.kinds {
			if !got[string(tg.target)+"/"+k] {
				t.Errorf("the catalogue lacks %s %s", tg.target, k)
			}
		}
	}
}

func TestRandomIsSeeded(t *testing.T) {
	sc := load(t, "bad-release")
	a := Random(rand.New(rand.NewPCG(7, 0xfa17)), sc, time.Minute, 9*time.Minute)
	b := Random(rand.New(rand.NewPCG(7, 0xfa17)), sc, time.Minute, 9*time.Minute)
	c := Random(rand.New(rand.NewPCG(8, 0xfa17)), sc, time.Minute, 9*time.Minute)
	if !reflect.DeepEqual(a, b) || len(a) < 1 || len(a) > 3 {
		t.Errorf("the same seed must draw the same one to three faults: %v vs %v", a, b)
	}
	if reflect.DeepEqual(a, c) {
		t.Errorf("seeds 7 and 8 drew the same faults")
	}
}

// TestRunReportsChangedOutcomes: a Prometheus outage through a threshold-2
// blue/green rolls it back, and the trial says why; nothing errors.
func TestRunReportsChangedOutcomes(t *testing.T) {
	res, err := Run(context.Background(), []*scenarios.Scenario{load(t, "blue-green")}, Options{Mode: "catalogue"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errored() != 0 {
		t.Fatalf("%d trials could not complete", res.Errored())
	}
	var down *chaosreport.Trial
	for i, tr := range res.Trials {
		if len(tr.Faults) == 1 && tr.Faults[0] == "prometheus down from 2m0s for 3m0s" {
			down = &res.Trials[i]
		}
	}
	if down == nil || !down.Changed || down.Outcome != "Failed" || down.Why == "" {
		t.Fatalf("prometheus down trial: %+v", down)
	}
	if _, err := Run(context.Background(), nil, Options{Mode: "sometimes"}); err == nil {
		t.Errorf("an unknown mode must be refused")
	}
}
