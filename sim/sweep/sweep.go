// This file runs a sweep: it plans one job per combination, scenario and
// seed, shards them, rehearses each and keeps a sample of each outcome.

package sweep

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/internal/gctune"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
)

// maxRuns bounds one sweep (or shard): beyond it, shard the sweep.
const maxRuns = 1_000_000

// Options say what to sweep.
type Options struct {
	Axes  []sweepreport.Axis
	Seeds int // seeds 1..Seeds
	// Shard and Shards select one shard (1-based) of Shards; 0 means all.
	Shard, Shards int
	// Noise, when set, replaces every scenario's traffic noise: without
	// noise every seed gives the same answer.
	Noise *scenarios.Noise
	// Progress, when set, is told after each rehearsal how many of how
	// many are done; it is called from many goroutines.
	Progress func(done, total int)
}

// keptPerRun is what the sweep keeps of each rehearsal until it ends: its
// job, its sample, the sample's decision time and whether it finished.
// The memory limit is raised by that much (gctune.Reserve), so a big
// shard's samples never squeeze the room its rehearsals need.
const keptPerRun = int64(unsafe.Sizeof(job{}) + unsafe.Sizeof(sweepreport.Sample{}) + unsafe.Sizeof(float64(0)) + 1)

// job is one rehearsal of the sweep.
type job struct {
	index  int // position in the whole sweep, for sharding
	combo  int
	sc     *scenarios.Scenario
	bad    bool
	seed   int64
	canary *v1beta1.Canary
}

// Run replays every combination of the axes over every scenario and seed
// (or one shard of them), on every core. Cancelled, it returns the
// rehearsals that finished, marked Interrupted, with the context's error.
func Run(ctx context.Context, scs []*scenarios.Scenario, opts Options) (*sweepreport.Result, error) {
	jobs, res, err := plan(scs, opts)
	if err != nil {
		return nil, err
	}
	session, err := sim.Open(ctx, sim.Options{})
	if err != nil {
		return nil, err
	}
	defer session.Close()
	defer gctune.Reserve(int64(len(jobs)) * keptPerRun)()
	res.Samples = make([]sweepreport.Sample, len(jobs))
	finished := make([]bool, len(jobs))
	var done atomic.Int64
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers() {
		wg.Go(func() {
			for i := range next {
				res.Samples[i], finished[i] = rehearse(ctx, session, jobs[i], opts)
				if opts.Progress != nil {
					opts.Progress(int(done.Add(1)), len(jobs))
				}
			}
		})
	}
	// An interrupt stops handing out rehearsals; those running stop too,
	// and only the finished ones are kept (see finishedOnly).
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		res.Samples, res.Interrupted = finishedOnly(res.Samples, finished), true
		return res, err
	}
	return res, nil
}

// finishedOnly keeps, in order, the samples of rehearsals that finished: an
// interrupted sweep reports what it learnt, not runs that never ran.
func finishedOnly(samples []sweepreport.Sample, finished []bool) []sweepreport.Sample {
	var out []sweepreport.Sample
	for i, s := range samples {
		if finished[i] {
			out = append(out, s)
		}
	}
	return out
}

// plan checks the inputs and lists the rehearsals of this shard.
func plan(scs []*scenarios.Scenario, opts Options) ([]job, *sweepreport.Result, error) {
	if opts.Seeds < 1 {
		return nil, nil, fmt.Errorf("--seeds must be at least 1")
	}
	if opts.Shards > 0 && (opts.Shard < 1 || opts.Shard > opts.Shards) {
		return nil, nil, fmt.Errorf("--shard %d/%d: the shard must be between 1 and %d", opts.Shard, opts.Shards, opts.Shards)
	}
	combos, err := Grid(opts.Axes)
	if err != nil {
		return nil, nil, err
	}
	if total := len(combos) * len(scs) * opts.Seeds; total > maxRuns*max(1, opts.Shards) {
		return nil, nil, fmt.Errorf("the sweep has %d rehearsals; at most %d a shard: use --shard", total, maxRuns)
	}
	res := &sweepreport.Result{Axes: opts.Axes, Combinations: combos, Seeds: sweptSeeds(scs, opts)}
	if opts.Shards > 0 {
		res.Shard = fmt.Sprintf("%d/%d", opts.Shard, opts.Shards)
	}
	var jobs []job
	for _, sc := range scs {
		res.Scenarios = append(res.Scenarios, sc.Name)
	}
	for _, c := range combos {
		for _, sc := range scs {
			more, err := jobsFor(c, sc, opts)
			if err != nil {
				return nil, nil, err
			}
			jobs = append(jobs, more...)
		}
	}
	return shard(jobs, opts), res, nil
}

// jobsFor lists the seeds of one combination on one scenario.
func jobsFor(c sweepreport.Combination, sc *scenarios.Scenario, opts Options) ([]job, error) {
	bad, err := isBad(sc)
	if err != nil {
		return nil, err
	}
	cd, err := Apply(sc.Canary, c.Settings)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	out := make([]job, seedsFor(sc, opts))
	for s := range out {
		out[s] = job{combo: c.Index, sc: sc, bad: bad, seed: int64(s + 1), canary: cd}
	}
	return out, nil
}

// isBad says whether a scenario releases a bad version, from what it expects.
func isBad(sc *scenarios.Scenario) (bool, error) {
	switch sc.Expect.Outcome {
	case v1beta1.CanaryPhaseFailed:
		return true, nil
	case v1beta1.CanaryPhaseSucceeded:
		return false, nil
	}
	return false, fmt.Errorf("scenario %s expects outcome %q: a sweep needs scenarios that expect Failed (a bad release) or Succeeded (a good one)",
		sc.Name, sc.Expect.Outcome)
}

// shard keeps every n-th rehearsal, so shards get the same mix of work.
func shard(jobs []job, opts Options) []job {
	for i := range jobs {
		jobs[i].index = i
	}
	if opts.Shards == 0 {
		return jobs
	}
	var out []job
	for _, j := range jobs {
		if j.index%opts.Shards == opts.Shard-1 {
			out = append(out, j)
		}
	}
	return out
}

// rehearse runs one job and turns its report into a sample; finished is
// false when a signal cut the rehearsal short, and the sample says nothing.
func rehearse(ctx context.Context, s *sim.Session, j job, opts Options) (_ sweepreport.Sample, finished bool) {
	sc := *j.sc
	sc.Canary = j.canary
	if opts.Noise != nil {
		sc.Traffic.Noise = *opts.Noise
	}
	sc.Expect = scenarios.Expect{}
	r := s.Run(ctx, &sc, sim.Options{Seed: j.seed})
	return sample(j, r), !r.Interrupted
}

func sample(j job, r *reports.Run) sweepreport.Sample {
	out := sweepreport.Sample{Combination: j.combo, Scenario: j.sc.Name, Bad: j.bad, Seed: j.seed, Outcome: r.Outcome,
		RolledBack: r.Outcome == string(v1beta1.CanaryPhaseFailed), DecidedAt: r.DecidedAt, Error: r.Error}
	if e := r.Exposure; e != nil {
		out.CanaryRequests, out.CanaryErrors = e.CanaryRequests, e.CanaryErrors
	}
	return out
}

// workers is how many rehearsals run at once: one a core. A rehearsal no
// longer waits on sockets (webhooks and queries are answered in process),
// so more workers only keep more worlds in memory: with four a core the
// cores idled as little (runtime/metrics' idle class under 3% of CPU time
// either way) and a 4,800-rehearsal sweep peaked 50 MiB higher.
func workers() int { return runtime.GOMAXPROCS(0) }
