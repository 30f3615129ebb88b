// This file tests load tests from webhooks, modelled and real.

package sim

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/sim/realtraffic"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/load"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
)

const loadtesterPattern = "../fixtures/patterns/loadtester-hey/scenarios/load-test.yaml"

// heyRPS is the pattern's load test: hey -q 10 -c 2.
const heyRPS = 20

// withoutHook drops a webhook from a freshly loaded copy of a scenario.
func withoutHook(t *testing.T, path, hook string) *reports.Run {
	t.Helper()
	sc := loadScenarios(t, path)[0]
	a := sc.Canary.GetAnalysis()
	var kept []v1beta1.CanaryWebhook
	for _, h := range a.Webhooks {
		if h.Name != hook {
			kept = append(kept, h)
		}
	}
	a.Webhooks = kept
	return Run(context.Background(), sc, Options{})
}

// TestLoadTestRunsOnceAtATime: a hey -z 1m load test asked for every 30s
// adds one hey's rate to the canary, from its first call until the canary
// is scaled to zero, as flagger-loadtester runs one copy at a time; a hey
// started on every call would add nearly twice as much.
func TestLoadTestRunsOnceAtATime(t *testing.T) {
	with := Run(context.Background(), loadScenarios(t, loadtesterPattern)[0], Options{})
	without := withoutHook(t, loadtesterPattern, "load-test")
	for _, r := range []*reports.Run{with, without} {
		if !r.Passed || r.Exposure == nil {
			t.Fatalf("%s did not pass: %s %+v", r.Scenario, r.Error, r.Expectations)
		}
	}
	first, zero := -1.0, -1.0
	for _, tk := range with.Ticks {
		for _, h := range tk.Webhooks {
			if h.Name == "load-test" && first < 0 {
				first = tk.T
			}
		}
		if tk.Phase == string(v1beta1.CanaryPhaseSucceeded) {
			zero = tk.T
		}
	}
	if first < 0 || zero < 0 {
		t.Fatalf("no load-test call or no promotion in %+v", with.Ticks)
	}
	added := with.Exposure.CanaryRequests - without.Exposure.CanaryRequests
	oneHey := heyRPS * (zero - first)
	if ratio := added / oneHey; math.Abs(ratio-1) > 0.01 {
		t.Errorf("the load test added %.0f canary requests, %.2f times one hey's %.0f (%g/s from %gs to %gs)",
			added, ratio, oneHey, float64(heyRPS), first, zero)
	}
	if !strings.Contains(strings.Join(with.Notes, "\n"), "was still running when the hook was called again") {
		t.Errorf("notes %q do not say the load test was not started again", with.Notes)
	}
}

// TestBashLoadTestBlocks: a bash task's answer waits for its command: a
// 20-request hey answers within the hook's timeout (200), a one-minute hey
// holds a 15s hook until it times out, every tick, and the release is
// rolled back.
func TestBashLoadTestBlocks(t *testing.T) {
	ok := Run(context.Background(), loadScenarios(t, loadtesterPattern)[0], Options{})
	smoke := ok.Ticks[1].Webhooks
	if len(smoke) != 1 || smoke[0].Name != "smoke-test" || smoke[0].Status != 200 || !smoke[0].Passed {
		t.Errorf("tick 2 webhooks %+v, want the smoke test answered 200 once its hey finished", smoke)
	}
	r := Run(context.Background(), loadScenarios(t, "../fixtures/patterns/loadtester-bash-timeout/scenarios/bash-timeout.yaml")[0], Options{})
	if !r.Passed {
		t.Fatalf("expectations %+v, error %s", r.Expectations, r.Error)
	}
	for _, tk := range r.Ticks[1:3] {
		if len(tk.Webhooks) != 1 || tk.Webhooks[0].Status != 0 || !strings.Contains(tk.Webhooks[0].Error, "did not answer within 15s") {
			t.Errorf("tick %d webhooks %+v, want the blocking load test timed out", tk.Tick, tk.Webhooks)
		}
	}
}

// TestRealLoadTestRunsOnceAtATime: with real traffic the same rule holds
// for the real hey: the call made while it runs starts nothing.
func TestRealLoadTestRunsOnceAtATime(t *testing.T) {
	if testing.Short() {
		t.Skip("real traffic runs in wall-clock time; skipped with -short")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	sc := loadScenarios(t, loadtesterPattern)[0]
	x := runRealInTime(sc, realtraffic.Config{TimeScale: 0.02}, nil)
	x.logLate(t)
	r := x.r
	if r.Error != "" || r.Outcome != string(v1beta1.CanaryPhaseSucceeded) {
		t.Fatalf("real run: %s, outcome %s", r.Error, r.Outcome)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "tick 4: load test load-test: `hey -z 1m") {
		t.Errorf("notes %q do not say the real hey started at 1m30s was not started again at 2m0s", r.Notes)
	}
	requests := 0
	for _, tk := range r.Ticks {
		if tk.Load != nil {
			requests += tk.Load.Requests
		}
	}
	if requests == 0 {
		t.Error("no tick recorded what the real hey measured")
	}
}

// TestLoadToolsAreModelled: a cmd task running a load-test tool other than
// hey is modelled as steady load (its flags' rate and duration, else the
// default rate for the loadtester's whole run) on the service it names,
// else on the canary, with a note naming the command; a blocking one is
// not run.
func TestLoadToolsAreModelled(t *testing.T) {
	cd := &v1beta1.Canary{}
	cd.Name, cd.Namespace = "ledger", "bank"
	cd.Spec.TargetRef = v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "ledger"}
	m := newLoadModel(cd, &heyParses{})
	cases := []struct {
		cmd      string
		blocking bool
		rps      float64
		length   time.Duration
		target   string
		note     string // "" when not run
	}{
		{"ghz --rps 50 -z 1m --call a.B/C ledger-primary.bank:9000", false, 50, time.Minute, "primary", "as steady load of 50 requests/s on the primary for 1m0s"},
		{"k6 run -e URL=http://ledger.bank/ /s.js", false, load.DefaultToolRate, hooks.LoadtesterTimeout, "apex", "(its flags state no rate: rehearse's default) on the apex for as long as the analysis runs"},
		{"jmeter -n -t plan.jmx", false, load.DefaultToolRate, hooks.LoadtesterTimeout, "canary", "on the canary (it names no URL rehearse can read)"},
		{"k6 run /s.js", true, 0, 0, "", ""},
	}
	for _, c := range cases {
		l, note, err := m.task(hooks.Task{Hook: "load", Cmd: c.cmd, Blocking: c.blocking})
		switch {
		case c.note == "":
			if err == nil {
				t.Errorf("%s: modelled as %+v, want it not run", c.cmd, l)
			}
		case err != nil:
			t.Errorf("%s: %v", c.cmd, err)
		case l.rps != c.rps || l.until.Sub(l.from) != c.length || l.target != c.target || !strings.Contains(note, c.note) || !strings.Contains(note, c.cmd):
			t.Errorf("%s: got %g/s for %s on %s, note %q; want %g/s for %s on %s, note saying %q", c.cmd, l.rps, l.until.Sub(l.from), l.target, note, c.rps, c.length, c.target, c.note)
		}
	}
}

func TestRunningDropsEndedLoads(t *testing.T) {
	at := epoch.Add(time.Hour)
	running := []vload{
		{from: epoch, until: at.Add(-time.Second), rps: 1},
		{from: epoch, until: at, rps: 2},
		{from: epoch, until: at.Add(time.Second), rps: 3},
		{from: at, until: at.Add(time.Minute), rps: 4},
	}
	l := loads{running: running}
	l.drop(at)
	if got := l.running; len(got) != 2 || got[0].rps != 3 || got[1].rps != 4 {
		t.Errorf("running = %+v, want the loads with rps 3 and 4 (the others ended by %s)", got, at)
	}
}
