// This file is the one traffic interface a rehearsal runs with, and the
// choice of its implementation at assembly: none (a script or a recording
// answers), modelled samples in virtual time, or real requests
// (sim/realtraffic) in wall-clock time.

package sim

import (
	"context"
	"net/http"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
	"github.com/rehearse-dev/rehearse/sim/realtraffic"
)

// trafficModel is how the world's requests happen: samples modelled from
// the engine's weights in virtual time (the default), or real HTTP load
// scraped in wall-clock time (--traffic real).
type trafficModel interface {
	// Advance brings the traffic, and what Prometheus holds, up to now.
	// No query reads Prometheus before next (now, or later when the world
	// knows no tick comes sooner): what none can read from then on may be
	// left out.
	Advance(ctx context.Context, now, next time.Time) error
	// AfterTick reacts to what tick n did (load tests its hooks started)
	// and returns notes for the report.
	AfterTick(ctx context.Context, n int, now time.Time) []string
	// Finish adds to the report what only the model knows, once the ticks
	// are over.
	Finish(r *reports.Run)
	// Exposure is what the new version served since the release.
	Exposure() *reports.Exposure
	// Close stops whatever the model runs.
	Close() error
}

// newTraffic picks the traffic model: none for a script or a recording,
// real requests when the settings ask for them, modelled samples
// otherwise.
func (w *world) newTraffic(ctx context.Context, r *reports.Run, start time.Time) (trafficModel, error) {
	switch {
	case w.sc.Scripted():
		if w.real != nil {
			r.Notes = append(r.Notes, "scripted scenario: the script answers every check, so it ran without real traffic")
		}
		return noTraffic{}, nil
	case w.sc.Recording != nil:
		if w.real != nil {
			r.Notes = append(r.Notes, "recording scenario: the recording answers every check, so it ran without real traffic")
		}
		return noTraffic{}, nil
	case w.real != nil:
		return realtraffic.Start(ctx, w.realWorld(r), *w.real, w.seed)
	}
	f, err := w.newFeeder(start)
	if err != nil {
		return nil, err
	}
	f.synthesisNotes(r)
	v := &virtualTraffic{feed: f, roles: w.cluster.roles, stale: w.faults.StaleCanary}
	if w.recv.srv != nil {
		v.loads.start(w.recv.srv, newLoadModel(w.cluster.cd, &w.recv.heys))
		v.recv = &w.recv
	}
	return v, nil
}

// realWorld is what real traffic needs of the world.
func (w *world) realWorld(r *reports.Run) realtraffic.World {
	return realtraffic.World{Canary: w.cluster.cd, Namespaces: []string{w.sc.Canary.Namespace, w.cluster.cd.Namespace},
		Provider: w.provider, Release: w.release, Interval: w.interval, ScrapeEvery: w.scrapeEvery,
		RPS: w.sc.Traffic.RPS, ABShare: abShare, MirrorShare: w.cluster.mirrorShare(),
		HTTP: w.http, Prom: w.metrics.prom, PromURL: w.metrics.base, Hooks: w.recv.srv, Report: r,
		Behaviour: versions(w.sc.Versions).behaviour,
		Pods:      func(ctx context.Context) [2]*memory.Pods { return w.cluster.roles(ctx).pods },
		Serving:   w.cluster.deploys.Serving,
		Routes:    func(ctx context.Context) (engine.Routes, error) { return w.cluster.router.Routes(ctx, w.cluster.cd) },
		LoadSpan:  heyDuration,
		TaskNotes: (&taskNotes{}).of,
		UseMetrics: func(c *http.Client) {
			w.runner.Metrics = runner.SourceMetrics{Source: &metrics.Source{Provider: w.provider, MetricsServer: w.metrics.base,
				Client: c, Templates: w.cluster.template, Secrets: w.cluster.secret}}
		},
	}
}

// virtualTraffic writes the samples a traffic model generates from the
// weights the engine set, and models hey load tests from their flags. It
// owns the feeder and the load tests; of the other parts it holds only
// what it asks each tick.
type virtualTraffic struct {
	feed  *feeder
	loads loads // the load tests the webhooks started, modelled
	// roles is what the cluster says this tick: both versions' pods and
	// the weights.
	roles func(context.Context) roles
	// stale is the fault plan's answer: whether the canary's scrape target
	// is gone this tick.
	stale func() bool
	recv  *receivers // nil when no receiver runs commands
}

// Advance feeds samples up to now from what the cluster and the fault plan
// say as it starts: neither changes while the feeder writes.
func (v *virtualTraffic) Advance(ctx context.Context, now, next time.Time) error {
	return v.feed.feed(v.roles(ctx), v.stale(), &v.loads, now, next)
}

// AfterTick adds the load tests the tick's webhooks started to those
// running, and says what the loadtester did not run.
func (v *virtualTraffic) AfterTick(context.Context, int, time.Time) []string {
	if v.recv == nil {
		return nil
	}
	return v.recv.loadNotes(v.loads.ingest())
}

func (v *virtualTraffic) Finish(*reports.Run) {}

func (v *virtualTraffic) Exposure() *reports.Exposure {
	e := v.feed.exposure
	return &e
}

func (v *virtualTraffic) Close() error { return nil }

// noTraffic is the traffic of a scripted scenario: none, the script
// answers the metrics.
type noTraffic struct{}

func (noTraffic) Advance(context.Context, time.Time, time.Time) error { return nil }
func (noTraffic) AfterTick(context.Context, int, time.Time) []string  { return nil }
func (noTraffic) Finish(*reports.Run)                                 {}
func (noTraffic) Exposure() *reports.Exposure                         { return nil }
func (noTraffic) Close() error                                        { return nil }
