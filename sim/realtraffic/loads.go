// This file is the real traffic's load: the scenario's steady requests
// through the mesh, and the hey commands webhooks start, measured per tick.

package realtraffic

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/load"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/proxy"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
)

// startSteady sends the scenario's traffic to the mesh. Its rate is in
// virtual requests per second, so the wall rate is rps / TimeScale: the
// metrics then count what the modelled traffic counts (capped by MaxRate).
func (rt *Traffic) startSteady() error {
	rps := rt.w.RPS
	if rps <= 0 {
		return nil
	}
	rate := rps / rt.cfg.TimeScale
	if rate > rt.cfg.MaxRate {
		rt.loads.note(fmt.Sprintf("steady load capped at %g requests/s (the scenario's %g/s at time scale %g)", rt.cfg.MaxRate, rps, rt.cfg.TimeScale))
		rate = rt.cfg.MaxRate
	}
	apex, _, _ := rt.w.Canary.GetServiceNames()
	rt.steady = &load.Steady{URL: rt.mesh.URL() + "/", Host: apex, Rate: rate}
	if rt.ab {
		example, err := proxy.Example(rt.w.Canary.GetAnalysis().Match)
		if err != nil {
			return err
		}
		// One steady request in abEvery carries the A/B condition: the
		// share of users the modelled traffic sends to the canary.
		abEvery := int64(1 / rt.w.ABShare)
		rt.steady.Decorate = func(n int64, r *http.Request) {
			if n%abEvery == 0 {
				example(r)
			}
		}
	}
	return rt.steady.Start()
}

// loadTests are the hey commands the webhooks asked for, running or done.
type loadTests struct {
	mu    sync.Mutex
	seen  int // hook calls already looked at
	runs  []*load.Run
	marks []time.Time // wall time of each tick's end, by tick number - 1
	notes []string    // said once, in the report's notes
}

func (l *loadTests) note(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.notes = append(l.notes, s)
}

// afterTick marks the end of tick n and says what the loadtester did not
// run among the calls made since the last tick.
func (l *loadTests) afterTick(rt *Traffic, n int) []string {
	var calls []hooks.Call
	if rt.w.Hooks != nil {
		// Read before taking l.mu: a hook call holds the receivers' lock
		// while it starts a run, which takes l.mu.
		calls = rt.w.Hooks.Calls()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.marks) < n {
		l.marks = append(l.marks, time.Now())
	}
	if rt.w.Hooks == nil {
		return nil
	}
	notes := rt.w.TaskNotes(calls[l.seen:])
	l.seen = len(calls)
	return notes
}

// realRunner is the loadtester's command runner with real traffic: a hey
// command runs in-process, at once, against the rehearsal's own services.
// The webhook receivers decide, as flagger-loadtester does, whether a
// command starts at all: one still running is not started again.
type realRunner struct{ rt *Traffic }

// Start implements hooks.Runner.
func (r realRunner) Start(t hooks.Task) (hooks.Run, error) {
	run, h, err := r.rt.loads.run(r.rt, t.Cmd)
	if err != nil {
		return hooks.Run{}, err
	}
	return hooks.Run{For: r.rt.w.LoadSpan(h), Done: run.Done()}, nil
}

// run starts a hey command; a task that is not a hey command, or that aims
// anywhere but the rehearsal's own services, is refused.
func (l *loadTests) run(rt *Traffic, cmd string) (*load.Run, *load.Hey, error) {
	h, err := load.ParseHey(cmd)
	if err != nil {
		return nil, nil, err
	}
	addr, err := rt.services.Resolve(h.URL)
	if err != nil {
		return nil, nil, err
	}
	r, err := load.Start(h, addr, load.Limits{TimeScale: rt.cfg.TimeScale})
	if err != nil {
		return nil, nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range r.Notes() {
		l.notes = appendOnce(l.notes, "load test: "+n)
	}
	l.runs = append(l.runs, r)
	return r, h, nil
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// stop ends every run at once and returns what they measured together.
func (l *loadTests) stop() load.Result {
	l.mu.Lock()
	runs := l.runs
	l.runs = nil
	l.mu.Unlock()
	var results []load.Result
	for _, r := range runs {
		r.Stop()
		res, err := r.Wait()
		if err != nil {
			l.note("load test report unreadable: " + err.Error())
		}
		results = append(results, res)
	}
	return load.Merge(results...)
}

// perTick fills each tick's Load with what hey measured between the end of
// the previous tick and the end of this one.
func (l *loadTests) perTick(ticks []reports.Tick, res load.Result, start time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	from := start
	for i := range ticks {
		n := ticks[i].Tick
		if n < 1 || n > len(l.marks) {
			continue
		}
		ticks[i].Load = res.Stats(from, l.marks[n-1])
		from = l.marks[n-1]
	}
}
