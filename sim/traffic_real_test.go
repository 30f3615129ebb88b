// This file tests the rehearsal with real traffic: the same loop, the
// same verdicts as modelled traffic, in wall-clock time.

package sim

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/realtraffic"
)

// realScale is the real tier's clock: a virtual minute in 6s, so the three
// scenarios, run side by side, take about a minute. Latencies are real:
// at the default 3s a minute, slow-latency's 800ms answers are a quarter
// of a metric window, and those still in flight at a check are missing
// from its P99 (on a busy machine one check read 396ms and passed).
const realScale = 2 * realtraffic.DefaultTimeScale

// slowdowns bounds how often a real run that fell behind the clock runs
// again, each time at half the speed: at most 4× slower than asked.
const slowdowns = 2

// TestRealTrafficMatchesVirtual replays library scenarios with real HTTP
// traffic, scraped, in wall-clock time, and compares each with its
// modelled twin: the same outcome, the decision within a tick, the same
// highest weight. Then nothing the runs started may be left running.
func TestRealTrafficMatchesVirtual(t *testing.T) {
	if testing.Short() {
		t.Skip("the real-traffic tier runs in wall-clock time (about a minute); skipped with -short")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	names := []string{"bad-release", "slow-latency", "webhook-failure"}
	pairs := make([]realPair, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		sc := loadScenarios(t, "../scenarios/library/"+name+".yaml")[0]
		// Side by side (go test -parallel defaults to the 2 cores): the runs
		// mostly wait for the clock.
		wg.Go(func() { pairs[i] = rehearseBoth(sc) })
	}
	wg.Wait()
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			p := pairs[i]
			p.real.logLate(t)
			if p.real.r.Error != "" {
				t.Fatalf("real run failed: %s", p.real.r.Error)
			}
			compareTraces(t, p.virtual, p.real.r)
			checkRealReport(t, p.real.r, p.progress, p.real.scale)
		})
	}
}

// realPair is a scenario rehearsed with modelled and with real traffic.
type realPair struct {
	virtual  *reports.Run
	real     inTime
	progress string
}

func rehearseBoth(sc *scenarios.Scenario) realPair {
	var progress bytes.Buffer
	real := runRealInTime(sc, realtraffic.Config{TimeScale: realScale}, &progress)
	return realPair{virtual: Run(context.Background(), sc, Options{}), real: real, progress: progress.String()}
}

// inTime is a real run that kept to the clock (or the last one tried), and
// the harness's notes of the runs before it that fell behind.
type inTime struct {
	r     *reports.Run
	scale float64 // the time scale r ran at
	late  []string
}

// runRealInTime rehearses sc with real traffic at cfg's time scale. A run
// whose harness says it fell behind the clock (the machine was too busy for
// that scale: scrapes, requests and load tests came late, so its metrics
// are not the scenario's) is no evidence either way: it runs again at half
// the speed, at most slowdowns times, and the last run is the one to check.
// progress, when not nil, holds the last run's progress lines.
func runRealInTime(sc *scenarios.Scenario, cfg realtraffic.Config, progress *bytes.Buffer) inTime {
	var x inTime
	for try := 0; ; try++ {
		if progress != nil {
			progress.Reset()
			cfg.Progress = progress
		}
		x.r, x.scale = runReal(sc, cfg), cfg.TimeScale
		late := lateNote(x.r)
		if late == "" || try == slowdowns {
			return x
		}
		x.late = append(x.late, late)
		cfg.TimeScale *= 2
	}
}

// logLate says which runs fell behind and were run again.
func (x inTime) logLate(t *testing.T) {
	t.Helper()
	for _, late := range x.late {
		t.Logf("the real run fell behind the clock, so it ran again at half the speed: %s", late)
	}
}

// lateNote is the real run's note that it fell behind the clock, if any.
func lateNote(r *reports.Run) string {
	for _, n := range r.Notes {
		if strings.HasPrefix(n, "the harness fell behind the clock") {
			return n
		}
	}
	return ""
}

// compareTraces holds a real run to its modelled twin.
func compareTraces(t *testing.T, virtual, real *reports.Run) {
	t.Helper()
	if real.Outcome != virtual.Outcome || real.MaxWeight != virtual.MaxWeight {
		t.Errorf("real: %s with max weight %d; virtual: %s with max weight %d", real.Outcome, real.MaxWeight,
			virtual.Outcome, virtual.MaxWeight)
	}
	if (real.DecidedAt == nil) != (virtual.DecidedAt == nil) {
		t.Fatalf("decided: real %v, virtual %v", real.DecidedAt, virtual.DecidedAt)
	}
	if real.DecidedAt != nil && math.Abs(*real.DecidedAt-*virtual.DecidedAt) > virtual.Interval {
		t.Errorf("decided at %vs with real traffic, %vs modelled: more than a tick apart", *real.DecidedAt, *virtual.DecidedAt)
	}
	if t.Failed() {
		t.Logf("real trace:\n%s", timeline(real))
	}
}

func checkRealReport(t *testing.T, r *reports.Run, progress string, scale float64) {
	t.Helper()
	if !hasNote(r, fmt.Sprintf("real traffic, time scale %g:", scale)) {
		t.Errorf("notes %q do not say how the run kept time", r.Notes)
	}
	if lines := strings.Count(progress, "\n"); lines != len(r.Ticks) {
		t.Errorf("%d progress lines for %d ticks:\n%s", lines, len(r.Ticks), progress)
	}
	if r.Scenario == "bad-release" {
		loads := 0
		for _, tk := range r.Ticks {
			if tk.Load != nil && tk.Load.Requests > 0 {
				loads++
			}
		}
		if loads == 0 {
			t.Error("no tick recorded what the load-test hook's hey measured")
		}
		if r.Exposure == nil || r.Exposure.CanaryRequests == 0 || r.Exposure.CanaryErrors == 0 {
			t.Errorf("exposure %+v: the failing canary served no requests or no errors", r.Exposure)
		}
	}
}

func hasNote(r *reports.Run, prefix string) bool {
	for _, n := range r.Notes {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

func timeline(r *reports.Run) string {
	var b bytes.Buffer
	_ = reports.WriteMarkdown(&b, r)
	return b.String()
}

// runReal rehearses sc with real traffic on the memory cluster.
func runReal(sc *scenarios.Scenario, cfg realtraffic.Config) *reports.Run {
	return Run(context.Background(), sc, Options{Traffic: "real", Real: cfg})
}

func TestRealScriptedRunsAsScripted(t *testing.T) {
	sc := loadScenarios(t, "../scenarios/library/flapping-metric.yaml")[0]
	r := runReal(sc, realtraffic.Config{})
	if !r.Passed || !hasNote(r, "scripted scenario") {
		t.Errorf("passed %v, notes %q: want the script's verdict and a note", r.Passed, r.Notes)
	}
}

// TestRealRefusesForeignLoad: a load test aimed anywhere but the
// rehearsal's services is never run, and the report says so.
func TestRealRefusesForeignLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs in wall-clock time")
	}
	sc := loadScenarios(t, "../scenarios/library/bad-release.yaml")[0]
	for i, wh := range sc.Canary.Spec.Analysis.Webhooks {
		if wh.Name == "load-test" {
			(*sc.Canary.Spec.Analysis.Webhooks[i].Metadata)["cmd"] = "hey -z 1m -q 10 -c 2 http://api.example.com/"
		}
	}
	sc.Limits.MaxDuration = 3 * time.Minute
	x := runRealInTime(sc, realtraffic.Config{TimeScale: 0.02}, nil)
	x.logLate(t)
	r := x.r
	if r.Error != "" {
		t.Fatal(r.Error)
	}
	if !hasNote(r, "tick 3: load test load-test not run: refused: api.example.com is not one of the rehearsal's services") {
		t.Errorf("notes %q do not report the refused load test", r.Notes)
	}
	for _, tk := range r.Ticks {
		if tk.Load != nil {
			t.Errorf("tick %d recorded a load %+v, but no load test ran", tk.Tick, tk.Load)
		}
	}
}
