// Where a library tick's CPU goes: the replay is profiled in the same run,
// and each sample is put in the part of rehearse that spent it, so the
// distance to the goal comes with its explanation.

package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/pprof/profile"
)

// part is one place CPU goes; a sample belongs to the first part, in this
// order, any of whose patterns a function of its stack contains.
type part struct {
	name     string
	patterns []string
}

var parts = []part{
	{"PromQL evaluation (Prometheus's engine, the queries themselves)", []string{"prometheus/prometheus/promql."}},
	{"samples written to the TSDB (append and commit)", []string{"sim/virtual/prom.(*Server).Append", "sim/virtual/prom.(*Server).Commit", "sim/virtual/prom.Batch.", "sim/virtual/prom.(*Server).commitAndDrop", "sim/virtual/prom.(*Server).LoadSeries"}},
	{"traffic model (series values)", []string{"sim/virtual/traffic."}},
	{"query protocol (HTTP API encode/decode, in process)", []string{"sim/virtual/prom.", "engine/metrics."}},
	{"embedded cluster (memory store: patches, deep copies)", []string{"sim/backend/memory."}},
	{"engine writes to the cluster (Deployments, Services, routes)", []string{"engine/kube.", "engine/runner.(*Runner).act", "engine/runner.(*Runner).apply"}},
	{"webhooks (in process)", []string{"sim/virtual/hooks.", "engine/webhook."}},
	{"engine decisions (engine.Step)", []string{"rehearse/engine."}},
	{"world setup and teardown (per scenario)", []string{"sim.build", "sim.(*world).close", "sim.(*world).setup", "sim.(*world).startServices"}},
	{"garbage collection (background)", []string{"runtime.gcBgMarkWorker"}},
	{"rest of the harness", []string{"rehearse/sim"}},
}

// profileHz is the rate the replays are profiled at: runtime/pprof's
// 100 Hz made the parts of a 0.3 ms tick move in steps of a twentieth of
// their size, and Linux fires a thread's CPU timer at most at its scheduler
// tick, 250 Hz here: asked for more, it gives no more samples, and each
// then counts for less than the CPU it stands for.
const profileHz = 250

// profileCPU is how much CPU the profiled replays spend: about 1,000
// samples at profileHz, so that a part holding n of them is known to
// within √n: about 4 µs a tick for a part of 0.05 ms, 2 µs for one of
// 0.013 ms.
const profileCPU = 4 * time.Second

// tally is the CPU profile's samples in each part, in parts' order then
// what fits none, and the CPU time one sample stands for.
type tally struct {
	samples []int64
	period  time.Duration
}

// profileReplays replays under the CPU profiler until profileCPU is spent,
// and returns the samples by part and the ticks replayed.
func profileReplays(replay func() int) (tally, int, error) {
	ticks := 0
	tl, err := profiled(func() {
		for start := processCPU(); processCPU()-start < profileCPU; {
			ticks += replay()
		}
	})
	return tl, ticks, err
}

// profiled runs fn under the CPU profiler at profileHz and tallies its
// samples by part.
func profiled(fn func()) (tally, error) {
	// runtime/pprof has no setting for its rate: the rate set first is the
	// one the profile keeps (and its header says), and StartCPUProfile's own
	// 100 Hz is refused with the runtime's warning on stderr.
	fmt.Fprintf(os.Stderr, "bench: profiling at %d Hz; the runtime's warning below that it cannot set the rate is expected\n", profileHz)
	runtime.SetCPUProfileRate(profileHz)
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return tally{}, fmt.Errorf("start the CPU profile: %w", err)
	}
	fn()
	pprof.StopCPUProfile()
	p, err := profile.Parse(&buf)
	if err != nil {
		return tally{}, fmt.Errorf("read the CPU profile: %w", err)
	}
	n := slices.Index(sampleTypes(p), "samples")
	if n < 0 || p.Period <= 0 {
		return tally{}, fmt.Errorf("the CPU profile has no sample counts or no period")
	}
	tl := tally{samples: make([]int64, len(parts)+1), period: time.Duration(p.Period)}
	for _, s := range p.Sample {
		tl.samples[partOf(s)] += s.Value[n]
	}
	return tl, nil
}

func sampleTypes(p *profile.Profile) []string {
	var out []string
	for _, st := range p.SampleType {
		out = append(out, st.Type)
	}
	return out
}

// partOf is the index of the part a sample belongs to (len(parts): other).
func partOf(s *profile.Sample) int {
	for i, pt := range parts {
		for _, loc := range s.Location {
			for _, line := range loc.Line {
				if line.Function != nil && containsAny(line.Function.Name, pt.patterns) {
					return i
				}
			}
		}
	}
	return len(parts)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// printParts shows each part's CPU per tick, largest first, with its
// sampling error (√n samples of n) and its share.
func printParts(out io.Writer, tl tally, ticks int) {
	var total int64
	for _, n := range tl.samples {
		total += n
	}
	if total == 0 || ticks == 0 {
		return
	}
	order := make([]int, len(tl.samples))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(tl.samples[b], tl.samples[a]) })
	perTick := func(samples float64) float64 {
		return samples * float64(tl.period) / float64(time.Millisecond) / float64(ticks)
	}
	fmt.Fprintf(out, "\nwhere a library tick's CPU goes (CPU profile of %d more ticks at %d Hz, %d samples; %.3f ms a tick):\n",
		ticks, int(time.Second/tl.period), total, perTick(float64(total)))
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, i := range order {
		n := tl.samples[i]
		if n == 0 {
			continue
		}
		name := "other (runtime, process)"
		if i < len(parts) {
			name = parts[i].name
		}
		fmt.Fprintf(w, "  %s\t%.3f ms\t± %.3f\t%.0f%%\n", name, perTick(float64(n)), perTick(math.Sqrt(float64(n))), 100*float64(n)/float64(total))
	}
	_ = w.Flush()
}
