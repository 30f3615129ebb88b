// Where a library tick's CPU goes: the replay is profiled in the same run,
// and each sample is put in the part of rehearse that spent it, so the
// distance to the goal comes with its explanation.

package main

import (
	"bytes"
	"fmt"
	"io"
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

// profiled runs fn under the CPU profiler and returns the CPU time per
// part, in parts' order, plus what fits no part.
func profiled(fn func()) ([]time.Duration, error) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return nil, fmt.Errorf("start the CPU profile: %w", err)
	}
	fn()
	pprof.StopCPUProfile()
	p, err := profile.Parse(&buf)
	if err != nil {
		return nil, fmt.Errorf("read the CPU profile: %w", err)
	}
	cpu := slices.Index(sampleTypes(p), "cpu")
	if cpu < 0 {
		return nil, fmt.Errorf("the CPU profile has no cpu samples")
	}
	by := make([]time.Duration, len(parts)+1)
	for _, s := range p.Sample {
		by[partOf(s)] += time.Duration(s.Value[cpu])
	}
	return by, nil
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

// printParts shows each part's CPU per tick and share, largest first.
func printParts(out io.Writer, by []time.Duration, ticks int) {
	var total time.Duration
	for _, d := range by {
		total += d
	}
	if total == 0 || ticks == 0 {
		return
	}
	order := make([]int, len(by))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(by[b] - by[a]) })
	fmt.Fprintf(out, "\nwhere a library tick's CPU goes (CPU profile of the replay above, %d ticks):\n", ticks)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, i := range order {
		if by[i] == 0 {
			continue
		}
		name := "other (runtime, process)"
		if i < len(parts) {
			name = parts[i].name
		}
		fmt.Fprintf(w, "  %s\t%.3f ms\t%.0f%%\n", name, float64(by[i])/float64(time.Millisecond)/float64(ticks), 100*float64(by[i])/float64(total))
	}
	_ = w.Flush()
}
