// This file is the real traffic's settings (Config), what it needs of the
// world (World), and its life: start, advance with the clock, close.

package realtraffic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/load"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/proxy"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/scrape"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// DefaultTimeScale plays a virtual minute in 3 seconds.
const DefaultTimeScale = 0.05

// defaultMaxRate caps the scenario's steady load, in wall requests per
// second: rps scales with the clock (a virtual second lasts TimeScale
// seconds), and a 2-core machine must keep time while serving it.
const defaultMaxRate = 2000

// Config is how a rehearsal runs with real traffic (--traffic real):
// virtual time follows the wall clock, scaled; real HTTP requests reach
// loopback workloads through a weighted proxy; hey load tests from webhooks
// run in-process; Prometheus scrapes the workloads' /metrics.
type Config struct {
	// TimeScale is wall time per virtual time: 0.05 turns a 1m interval
	// into 3s (DefaultTimeScale when 0). Request latencies are real, not
	// scaled; hey's -z is.
	TimeScale float64
	// Progress, when set, gets one line per tick (phase, weights, metric
	// values): stderr on a terminal, nil in CI.
	Progress io.Writer
	// MaxRate caps the steady load in wall requests per second (default
	// 2000).
	MaxRate float64
	// Prometheus, when set, is a real Prometheus server (package realprom):
	// it is given the workloads' scrape addresses (host:port, /metrics)
	// and returns its base URL, which the engine then queries instead of
	// the embedded one. It keeps wall time, so TimeScale must be 1.
	Prometheus func(ctx context.Context, targets []string) (string, error)
}

func (c Config) withDefaults() (Config, error) {
	if c.TimeScale == 0 {
		c.TimeScale = DefaultTimeScale
	}
	if c.MaxRate <= 0 {
		c.MaxRate = defaultMaxRate
	}
	switch {
	case c.TimeScale < 0.001 || c.TimeScale > 10:
		return c, fmt.Errorf("time scale %g is out of range: use a value from 0.001 to 10 (0.05 plays 1m in 3s)", c.TimeScale)
	case c.Prometheus != nil && c.TimeScale != 1:
		return c, fmt.Errorf("time scale %g with a real Prometheus: it stamps samples with the wall clock, use --time-scale 1", c.TimeScale)
	}
	return c, nil
}

// World is what real traffic needs of the rehearsal it plays in, handed
// over once at assembly: the Canary and the run's settings, the world's
// servers, and the few questions only the world can answer.
type World struct {
	Canary      *v1beta1.Canary // as the cluster holds it (namespace mapped)
	Namespaces  []string        // where a load test may name the Canary's services
	Provider    string
	Release     time.Time     // virtual time of the release
	Interval    time.Duration // the analysis interval
	ScrapeEvery time.Duration // the run's scrape interval
	RPS         float64       // the scenario's steady load, virtual requests per second
	ABShare     float64       // the share of requests an A/B condition matches
	MirrorShare float64       // the share of requests a mirror copies to the canary
	HTTP        *http.Client
	Prom        scrape.Appender // the embedded Prometheus
	PromURL     string          // its base URL, as the engine queries it
	Hooks       *hooks.Server   // the webhook receivers; nil when a script answers
	Report      *reports.Run    // the run being recorded, for progress lines

	// Behaviour is how an image's pods answer at a virtual time.
	Behaviour func(image string, at time.Time) scenarios.Behaviour
	// Pods reads the primary's and the canary's pods (nil: missing),
	// indexed by traffic.Role.
	Pods func(ctx context.Context) [2]*memory.Pods
	// Serving says whether pods are ready at a virtual time.
	Serving func(p *memory.Pods, at time.Time) bool
	// Routes are the weights the engine's router holds now.
	Routes func(ctx context.Context) (engine.Routes, error)
	// LoadSpan is how long the loadtester lets a hey command hold its task.
	LoadSpan func(h *load.Hey) time.Duration
	// TaskNotes words, once each, what the loadtester did with calls.
	TaskNotes func(calls []hooks.Call) []string
	// UseMetrics sends the engine's metric queries through client.
	UseMetrics func(client *http.Client)
}

// Traffic is the honest twin of the modelled traffic: the same scenario
// played with real requests, measured by a scrape of real metrics.
type Traffic struct {
	w      World
	cfg    Config
	ab     bool          // A/B routing: the canary gets the requests that match
	anchor time.Time     // virtual time at which the clock starts
	every  time.Duration // virtual time between scrapes

	pods     pods
	mesh     *proxy.Proxy
	services load.Services
	steady   *load.Steady
	scrapes  *scrape.Loop // nil with an external Prometheus
	external string       // the external Prometheus's base URL

	clockMu   sync.Mutex
	clock     wallClock
	started   bool
	looked    time.Time // the virtual time of the last look at the cluster
	released  bool
	baseline  int64         // canary requests answered before the release,
	baseErr   int64         // and the 5xx among them
	lag       time.Duration // the most the run fell behind the clock
	loads     loadTests
	closeOnce sync.Once
	closeErr  error
}

// Start starts the workloads, the mesh and, when asked, the real
// Prometheus; traffic and scrapes begin when virtual time nears the release.
func Start(ctx context.Context, w World, cfg Config, seed int64) (*Traffic, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	rt := &Traffic{w: w, cfg: cfg, every: scrapeEvery(w.Canary, w.ScrapeEvery)}
	rt.ab = w.Canary.StrategyUnder(w.Provider) == v1beta1.StrategyABTesting
	// Two scrapes before the release: the first rate() after it has a base.
	rt.anchor = w.Release.Add(-2 * rt.every)
	if err := rt.setup(ctx, seed); err != nil {
		return nil, errors.Join(err, rt.Close())
	}
	return rt, nil
}

func (rt *Traffic) setup(ctx context.Context, seed int64) error {
	if err := rt.startPods(seed); err != nil {
		return err
	}
	if err := rt.startMesh(seed); err != nil {
		return err
	}
	rt.services = rt.serviceMap()
	if rt.w.Hooks != nil {
		rt.w.Hooks.SetRunner(realRunner{rt})
	}
	if rt.cfg.Prometheus != nil {
		return rt.useExternal(ctx)
	}
	return nil
}

// serviceMap names the loopback servers as the Canary's services.
func (rt *Traffic) serviceMap() load.Services {
	apex, primary, canary := rt.w.Canary.GetServiceNames()
	return load.Services{
		Names: map[string]string{apex: rt.mesh.Addr(), primary: rt.pods.servers[traffic.Primary].Addr(),
			canary: rt.pods.servers[traffic.Canary].Addr()},
		Namespaces: rt.w.Namespaces,
	}
}

// Advance looks at the cluster, then waits for the wall-clock moment of
// now and for the scrape due by then, so the tick's queries see it. When
// the next query comes is no matter: a scrape keeps what the pods served.
func (rt *Traffic) Advance(ctx context.Context, now, _ time.Time) error {
	if err := rt.refresh(ctx, now); err != nil {
		return err
	}
	if !rt.started {
		if now.Before(rt.anchor) {
			return nil // the warm-up: nothing is queried before the release
		}
		if err := rt.begin(); err != nil {
			return err
		}
	}
	late, err := rt.clockValue().sleepUntil(ctx, now)
	if err != nil {
		return err
	}
	rt.lag = max(rt.lag, late)
	rt.markRelease(now)
	if rt.scrapes == nil {
		return nil
	}
	return rt.scrapes.WaitThrough(ctx, now)
}

// begin starts the clock at the anchor, the steady load and the scrapes.
func (rt *Traffic) begin() error {
	rt.clockMu.Lock()
	rt.clock = wallClock{v0: rt.anchor, w0: time.Now(), scale: rt.cfg.TimeScale}
	rt.started = true
	rt.clockMu.Unlock()
	if err := rt.startSteady(); err != nil {
		return err
	}
	if rt.external != "" {
		return nil
	}
	return rt.startScrapes()
}

func (rt *Traffic) clockValue() wallClock {
	rt.clockMu.Lock()
	defer rt.clockMu.Unlock()
	return rt.clock
}

// clockNow is the virtual time now; the anchor until the clock starts.
func (rt *Traffic) clockNow() time.Time {
	rt.clockMu.Lock()
	c, ok := rt.clock, rt.started
	rt.clockMu.Unlock()
	if !ok {
		return rt.anchor
	}
	return c.now()
}

// markRelease notes what the canary had served when the release came.
func (rt *Traffic) markRelease(now time.Time) {
	if rt.released || now.Before(rt.w.Release) {
		return
	}
	rt.released = true
	t := rt.pods.servers[traffic.Canary].Served()
	rt.baseline, rt.baseErr = t.Requests, t.Errors
}

// AfterTick notes what the tick's load tests did and writes the tick's
// progress line; the load tests themselves start when their hook is called.
func (rt *Traffic) AfterTick(_ context.Context, n int, _ time.Time) []string {
	notes := rt.loads.afterTick(rt, n)
	rt.progress()
	return notes
}

// Exposure is what the canary's pods answered since the release.
func (rt *Traffic) Exposure() *reports.Exposure {
	t := rt.pods.servers[traffic.Canary].Served()
	return &reports.Exposure{CanaryRequests: float64(t.Requests - rt.baseline), CanaryErrors: float64(t.Errors - rt.baseErr)}
}

// Close stops the loads, the scrapes, the mesh and the workloads, in that
// order, and waits for each; it may be called more than once.
func (rt *Traffic) Close() error {
	rt.closeOnce.Do(func() {
		rt.loads.stop()
		if rt.steady != nil {
			rt.steady.Stop()
		}
		if rt.scrapes != nil {
			rt.scrapes.Stop()
		}
		var errs []error
		if rt.mesh != nil {
			errs = append(errs, rt.mesh.Close())
		}
		rt.closeErr = errors.Join(append(errs, rt.pods.close())...)
	})
	return rt.closeErr
}
