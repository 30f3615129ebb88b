// This file is the world's load part: the load tests webhooks ask for (hey
// and the other tools) modelled as traffic in virtual time, and what the
// loadtester did, in words.

package sim

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/load"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// unlimitedRate models a hey worker with no -q: as fast as the service
// answers, taken as 100 requests a second per worker.
const unlimitedRate = 100

// vload is a hey load test running in virtual time.
type vload struct {
	from, until time.Time
	rps         float64
	target      string // "canary", "primary" or "apex"
}

// add adds the load's average rate over the scrape window ending at t
// (every long) to the versions it reaches.
func (l vload) add(rps *[2]float64, r engine.Routes, t time.Time, every time.Duration) {
	from, until := maxTime(l.from, t.Add(-every)), minTime(l.until, t)
	if !until.After(from) {
		return
	}
	avg := l.rps * float64(until.Sub(from)) / float64(every)
	switch l.target {
	case "canary":
		rps[traffic.Canary] += avg
	case "primary":
		rps[traffic.Primary] += avg
	default:
		rps[traffic.Primary] += avg * float64(r.Primary) / 100
		rps[traffic.Canary] += avg * float64(r.Canary) / 100
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// loads owns the world's modelled load tests: those the webhooks' commands
// started, still adding traffic.
type loads struct {
	runner  *virtualRunner // nil when no receiver runs commands
	running []vload
}

// start has the webhook receivers run hey commands as load modelled on
// the services m tells apart.
func (l *loads) start(srv *hooks.Server, m loadModel) {
	l.runner = &virtualRunner{model: m}
	srv.SetRunner(l.runner)
}

// ingest adds the load tests started since the last tick to the running
// ones, and says how commands other than hey were modelled.
func (l *loads) ingest() []string {
	if l.runner == nil {
		return nil
	}
	started, notes := l.runner.take()
	l.running = append(l.running, started...)
	return notes
}

// drop lets go of the load tests that ended a scrape ago or more, as of the
// last scrape at: they add nothing to any later scrape, and a long run
// starts one every tick, so keeping them would make each scrape slower than
// the last.
func (l *loads) drop(at time.Time) {
	kept := l.running[:0]
	for _, x := range l.running {
		if x.until.After(at) {
			kept = append(kept, x)
		}
	}
	l.running = kept
}

// add adds the running load tests' rates over the scrape window ending at
// t (every long) to the versions they reach.
func (l *loads) add(rps *[2]float64, r engine.Routes, t time.Time, every time.Duration) {
	for _, x := range l.running {
		x.add(rps, r, t, every)
	}
}

// virtualRunner is the loadtester's command runner in virtual time: a hey
// command becomes modelled load for its duration. The webhook receivers
// decide, as flagger-loadtester does, whether a command starts at all.
type virtualRunner struct {
	model   loadModel
	mu      sync.Mutex
	started []vload  // since the last tick
	notes   []string // how commands other than hey were modelled, since the last tick
}

// Start implements hooks.Runner.
func (v *virtualRunner) Start(t hooks.Task) (hooks.Run, error) {
	l, note, err := v.model.task(t)
	if err != nil {
		return hooks.Run{}, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.started = append(v.started, l)
	if note != "" {
		v.notes = append(v.notes, note)
	}
	return hooks.Run{For: l.until.Sub(l.from)}, nil
}

func (v *virtualRunner) take() ([]vload, []string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out, notes := v.started, v.notes
	v.started, v.notes = nil, nil
	return out, notes
}

// loadModel models a load test's command as load on the Canary's services,
// which it tells apart by name.
type loadModel struct {
	primary, canary string
	heys            *heyParses
}

func newLoadModel(cd *v1beta1.Canary, heys *heyParses) loadModel {
	_, primary, canary := cd.GetServiceNames()
	return loadModel{primary: primary, canary: canary, heys: heys}
}

// heyParses remembers each command's hey parse, one memo a world (see
// receivers): a loadtester hook sends the same command every tick, which
// the load model, the hook caller's timeout check and the hook's URL each
// read, and parsing it was most of a task's cost. The commands come from
// the Canary's webhooks, so there are a handful.
type heyParses struct {
	mu     sync.Mutex
	parsed map[string]heyParse
}

type heyParse struct {
	hey *load.Hey // only read once parsed
	err error
}

func (p *heyParses) parse(cmd string) (*load.Hey, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, seen := p.parsed[cmd]
	if !seen {
		r.hey, r.err = load.ParseHey(cmd)
		if p.parsed == nil {
			p.parsed = map[string]heyParse{}
		}
		p.parsed[cmd] = r
	}
	return r.hey, r.err
}

// task models a task's command as load: a hey command as it asks, a
// background (cmd) task running another load-test tool as steady load (see
// tool), with a note saying so. A blocking task's command other than hey is
// not run: its answer would wait on a duration rehearse cannot know.
func (m loadModel) task(t hooks.Task) (vload, string, error) {
	h, err := m.heys.parse(t.Cmd)
	if err == nil {
		return m.hey(h, epoch.Add(t.At)), "", nil
	}
	if t.Blocking {
		return vload{}, "", err
	}
	tool, toolErr := load.ParseTool(t.Cmd)
	if toolErr != nil {
		return vload{}, "", fmt.Errorf("%w; %w", err, toolErr)
	}
	l := m.tool(tool, epoch.Add(t.At))
	return l, toolNote(t, tool, l), nil
}

// tool models a load-test tool other than hey: flagger-loadtester runs it
// like any cmd task, and rehearse reads, never runs, it. It sends the rate
// its flags state (else load.DefaultToolRate) for the duration they state
// (else as long as the loadtester lets a command run, which covers the
// analysis), to the service its URL names, or to the canary when it names
// none (its target is in a script or plan rehearse cannot read, and a
// Canary's load test is there to drive the canary).
func (m loadModel) tool(t *load.Tool, at time.Time) vload {
	rate := t.Rate
	if rate <= 0 {
		rate = load.DefaultToolRate
	}
	d := t.Duration
	if d <= 0 || d > hooks.LoadtesterTimeout {
		d = hooks.LoadtesterTimeout
	}
	target := "canary"
	if t.Host != "" {
		target = m.target(t.Host)
	}
	return vload{from: at, until: at.Add(d), rps: rate, target: target}
}

// hey models a hey command: its rate for its duration, aimed at the
// service its URL names.
func (m loadModel) hey(h *load.Hey, at time.Time) vload {
	return vload{from: at, until: at.Add(heyDuration(h)), rps: heyRate(h), target: m.target(h.URL.Hostname())}
}

// target is the version a load test aimed at host reaches.
func (m loadModel) target(host string) string {
	name := strings.SplitN(host, ".", 2)[0]
	switch name {
	case m.canary:
		return "canary"
	case m.primary:
		return "primary"
	}
	return "apex" // the apex service, or a host the model splits by weight
}

// toolNote tells the report how a tool other than hey was modelled, and
// which of its numbers were assumed.
func toolNote(t hooks.Task, tool *load.Tool, l vload) string {
	rate := fmt.Sprintf("%g requests/s", l.rps)
	if tool.Rate <= 0 {
		rate += " (its flags state no rate: rehearse's default)"
	}
	length := "for " + l.until.Sub(l.from).String()
	if tool.Duration <= 0 {
		length = "for as long as the analysis runs (its flags state no duration)"
	}
	where := l.target
	if tool.Host == "" {
		where += " (it names no URL rehearse can read)"
	}
	return fmt.Sprintf("load test %s: `%s` runs %s, which rehearse models, without running it, as steady load of %s on the %s %s; a check on request counts reads that assumed load",
		t.Hook, t.Cmd, tool.Name, rate, where, length)
}

// heyRate is a hey command's request rate, per second.
func heyRate(h *load.Hey) float64 {
	if r := h.Rate(); r > 0 {
		return r
	}
	return float64(h.Concurrency) * unlimitedRate
}

// heyDuration is how long a hey command runs: -z, or -n requests at its
// rate, never longer than the loadtester lets a command run.
func heyDuration(h *load.Hey) time.Duration {
	d := h.Duration
	if d == 0 {
		d = time.Duration(float64(h.Requests) / heyRate(h) * float64(time.Second))
	}
	return min(d, hooks.LoadtesterTimeout)
}

// blockingFor is how long a bash hey task holds its webhook's answer in
// virtual time; false for any other webhook.
func blockingFor(wh v1beta1.CanaryWebhook, heys *heyParses) (time.Duration, bool) {
	if metadata(wh, "type") != "bash" {
		return 0, false
	}
	h, err := heys.parse(metadata(wh, "cmd"))
	if err != nil {
		return 0, false
	}
	return heyDuration(h), true
}

// taskNotes turns what the loadtester did with the webhooks' commands
// into report notes, each said once: a command not run, and a command not
// started again because it was still running.
type taskNotes struct {
	said map[string]bool
}

func (n *taskNotes) of(calls []hooks.Call) []string {
	var notes []string
	for _, c := range calls {
		switch c.Task {
		case hooks.TaskNotRun:
			notes = n.once(notes, "not run "+c.Hook+"\x00"+c.TaskErr, "load test "+c.Hook+" not run: "+c.TaskErr)
		case hooks.TaskRunning:
			notes = n.once(notes, "running "+c.Hook, fmt.Sprintf(
				"load test %s: `%s` was still running when the hook was called again (%s), so it was not started again: flagger-loadtester runs one copy of a command per Canary at a time",
				c.Hook, c.Metadata["cmd"], c.TaskErr))
		}
		if _, set := c.Metadata["blocking"]; set && c.Task != "" && c.Metadata["type"] != "bash" {
			notes = n.once(notes, "blocking "+c.Hook, fmt.Sprintf(
				"load test %s: metadata.blocking is not a flagger-loadtester setting: a cmd task always runs in the background (type: bash makes the hook wait for its command)", c.Hook))
		}
	}
	return notes
}

func (n *taskNotes) once(notes []string, key, note string) []string {
	if n.said == nil {
		n.said = map[string]bool{}
	}
	if n.said[key] {
		return notes
	}
	n.said[key] = true
	return append(notes, note)
}
