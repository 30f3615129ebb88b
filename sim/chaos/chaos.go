// Package chaos replays scenarios under injected faults, seeded at random or
// from a fixed catalogue, and says which faults changed a rollout's outcome
// and why, so users see which faults their policy tolerates.
package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	chaosreport "github.com/rehearse-dev/rehearse/reports/chaos"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
)

// Options say how to pick faults.
type Options struct {
	// Mode is "random" (Seeds seeded draws of one to three faults) or
	// "catalogue" (every kind of fault once, with fixed parameters).
	Mode  string
	Seeds int
	// Progress, when set, is told after each faulty replay how many of how
	// many are done; it is called from many goroutines.
	Progress func(done, total int)
}

// Run replays each world-mode scenario without faults, then under each
// fault set, on every core.
func Run(ctx context.Context, scs []*scenarios.Scenario, opts Options) (*chaosreport.Result, error) {
	if opts.Mode != "random" && opts.Mode != "catalogue" {
		return nil, fmt.Errorf("--faults %q: use random or catalogue", opts.Mode)
	}
	if opts.Mode == "random" && opts.Seeds < 1 {
		return nil, fmt.Errorf("--seeds must be at least 1")
	}
	session, err := sim.Open(ctx, sim.Options{})
	if err != nil {
		return nil, err
	}
	defer session.Close()
	res := &chaosreport.Result{Mode: opts.Mode, Seeds: opts.Seeds}
	var jobs []job
	for _, sc := range scs {
		if sc.Scripted() {
			res.Skipped = append(res.Skipped, sc.Name+": a scripted scenario answers every metric and hook itself; faults do not apply")
			continue
		}
		base := session.Run(ctx, withFaults(sc, nil), sim.Options{})
		res.Baselines = append(res.Baselines, chaosreport.Baseline{Scenario: sc.Name, Outcome: base.Outcome, DecidedAt: base.DecidedAt})
		jobs = append(jobs, plan(sc, base, opts)...)
	}
	res.Trials = runJobs(ctx, session, jobs, opts.Progress)
	sort.SliceStable(res.Trials, func(i, j int) bool {
		a, b := res.Trials[i], res.Trials[j]
		return a.Scenario < b.Scenario || a.Scenario == b.Scenario && a.Seed < b.Seed
	})
	return res, ctx.Err()
}

// job is one faulty replay to run.
type job struct {
	sc       *scenarios.Scenario
	baseline *reports.Run
	seed     int64
	faults   []scenarios.Fault
}

func runJobs(ctx context.Context, s *sim.Session, jobs []job, progress func(done, total int)) []chaosreport.Trial {
	out := make([]chaosreport.Trial, len(jobs))
	var done atomic.Int64
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i] = trial(ctx, s, jobs[i])
				if progress != nil {
					progress(int(done.Add(1)), len(jobs))
				}
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func trial(ctx context.Context, s *sim.Session, j job) chaosreport.Trial {
	r := s.Run(ctx, withFaults(j.sc, j.faults), sim.Options{Seed: j.seed})
	t := chaosreport.Trial{Scenario: j.sc.Name, Seed: j.seed, Baseline: j.baseline.Outcome, Outcome: r.Outcome,
		DecidedAt: r.DecidedAt, Error: r.Error, Notes: r.Notes}
	for _, f := range j.faults {
		t.Faults = append(t.Faults, f.String())
	}
	t.Effects = effects(j.faults, r, j.sc.Release.At)
	t.Changed = t.Outcome != t.Baseline
	if t.Changed || r.Error != "" {
		t.Why = why(r)
	}
	return t
}

// why is the reason of the tick that decided the faulty run, or of its
// last tick when it decided nothing.
func why(r *reports.Run) string {
	if r.Error != "" {
		return r.Error
	}
	for i := len(r.Ticks) - 1; i >= 0; i-- {
		if r.DecidedAt == nil || r.Ticks[i].T <= *r.DecidedAt {
			return fmt.Sprintf("tick %d: %s", r.Ticks[i].Tick, r.Ticks[i].Reason)
		}
	}
	return "no tick ran"
}

func withFaults(sc *scenarios.Scenario, faults []scenarios.Fault) *scenarios.Scenario {
	c := *sc
	c.Faults = faults
	c.Expect = scenarios.Expect{}
	return &c
}

// plan lists the fault sets to try on one scenario.
func plan(sc *scenarios.Scenario, base *reports.Run, opts Options) []job {
	interval := time.Duration(base.Interval * float64(time.Second))
	horizon := horizonOf(base, interval)
	if opts.Mode == "catalogue" {
		var out []job
		for i, f := range Catalogue(sc, interval) {
			out = append(out, job{sc: sc, baseline: base, seed: int64(i + 1), faults: []scenarios.Fault{f}})
		}
		return out
	}
	out := make([]job, opts.Seeds)
	for s := range out {
		rng := rand.New(rand.NewPCG(uint64(s+1), 0xfa17))
		out[s] = job{sc: sc, baseline: base, seed: int64(s + 1), faults: Random(rng, sc, interval, horizon)}
	}
	return out
}

// horizonOf is how long faults may start after the release: until the
// uninterrupted run decided, or ten intervals.
func horizonOf(base *reports.Run, interval time.Duration) time.Duration {
	if base.DecidedAt != nil {
		return time.Duration(*base.DecidedAt * float64(time.Second))
	}
	return 10 * interval
}
