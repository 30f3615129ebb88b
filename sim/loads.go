package sim

import (
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/sim/load"
	"github.com/rehearse-dev/rehearse/sim/traffic"
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

// add adds the load's average rate over the scrape window ending at t to
// the versions it reaches.
func (l vload) add(rps *[2]float64, r engine.Routes, t time.Time) {
	from, until := maxTime(l.from, t.Add(-scrapeInterval)), minTime(l.until, t)
	if !until.After(from) {
		return
	}
	avg := l.rps * float64(until.Sub(from)) / float64(scrapeInterval)
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

// ingestLoads turns the load-test tasks the webhook receivers accepted since
// the last tick into virtual load. A task that is not a hey command is
// reported, never run.
func (w *world) ingestLoads() []string {
	if w.hooks == nil {
		return nil
	}
	calls := w.hooks.Calls()
	var notes []string
	for _, c := range calls[w.callsSeen:] {
		cmd := c.Metadata["cmd"]
		if c.Metadata["type"] != "cmd" && c.Metadata["type"] != "" || cmd == "" {
			continue
		}
		h, err := load.ParseHey(cmd)
		if err != nil {
			notes = append(notes, "load test "+c.Hook+" not run: "+err.Error())
			continue
		}
		w.loads = append(w.loads, w.virtual(h, epoch.Add(c.At)))
	}
	w.callsSeen = len(calls)
	return notes
}

// virtual models a hey command: its rate for its duration, aimed at the
// service its URL names.
func (w *world) virtual(h *load.Hey, at time.Time) vload {
	rate := h.Rate()
	if rate == 0 {
		rate = float64(h.Concurrency) * unlimitedRate
	}
	d := h.Duration
	if d == 0 {
		d = time.Duration(float64(h.Requests) / rate * float64(time.Second))
	}
	return vload{from: at, until: at.Add(d), rps: rate, target: w.loadTarget(h.URL.Hostname())}
}

func (w *world) loadTarget(host string) string {
	_, primary, canary := w.cd.GetServiceNames()
	name := strings.SplitN(host, ".", 2)[0]
	switch name {
	case canary:
		return "canary"
	case primary:
		return "primary"
	}
	return "apex" // the apex service, or a host the model splits by weight
}
