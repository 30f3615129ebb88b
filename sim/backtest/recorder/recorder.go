// Package recorder records releases with real traffic, for backtests to
// replay: podinfo-style workloads answer real HTTP requests that weighted
// proxies split between them, a fault is injected into one version at a
// set time, and Debian's Prometheus server scrapes them all; at the end
// its admin API snapshots the TSDB. Nothing is modelled: the rates,
// errors and latencies in the snapshot are what the workloads answered
// and what Prometheus stored.
package recorder

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/internal/ctxsleep"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/load"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/proxy"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/realprom"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/workload"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// Workload is one version serving requests, exporting the series Istio's
// sidecar would (destination_workload is its name).
type Workload struct {
	Name string
	// SuccessRate is the share of requests answered without a 5xx, in
	// percent, until FaultAt (100 when 0); from FaultAt on it is
	// FaultSuccessRate. A zero FaultAt injects no fault.
	SuccessRate, FaultSuccessRate float64
	FaultAt                       time.Duration
}

// Split is steady load on a proxy that sends Weight percent of it to
// Canary and the rest to Primary (both Workload names).
type Split struct {
	Primary, Canary string
	Weight          int
	RPS             float64
}

// Config is one recording.
type Config struct {
	Namespace string
	Workloads []Workload
	Splits    []Split
	// Length is how long the load runs after the first scrape.
	Length time.Duration
	// Prometheus records; it must have AdminAPI set. It is left running,
	// so the caller can query it too, and must stop it.
	Prometheus *realprom.Server
	Seed       uint64
}

// Result is where the recording went.
type Result struct {
	Snapshot   string    // the TSDB snapshot folder
	URL        string    // the Prometheus server, still running
	Start, End time.Time // the load's wall-clock span
}

// Record runs the workloads, the proxies and the load for cfg.Length with
// Prometheus scraping, then snapshots its TSDB.
func Record(ctx context.Context, cfg Config) (res Result, err error) {
	r := &run{cfg: cfg}
	defer func() { err = errors.Join(err, r.stop()) }()
	if err := r.startWorkloads(); err != nil {
		return res, err
	}
	if res.URL, err = cfg.Prometheus.Start(ctx, r.targets()); err != nil {
		return res, err
	}
	if err := r.startLoad(); err != nil {
		return res, err
	}
	res.Start = r.start
	if err := ctxsleep.Sleep(ctx, cfg.Length); err != nil {
		return res, err
	}
	res.End = time.Now()
	// Two more scrapes, so the last second of load is in the TSDB.
	if err := ctxsleep.Sleep(ctx, 2*cfg.Prometheus.ScrapeInterval+time.Second); err != nil {
		return res, err
	}
	res.Snapshot, err = cfg.Prometheus.Snapshot(ctx)
	return res, err
}

type run struct {
	cfg     Config
	start   time.Time
	started atomic.Bool
	servers map[string]*workload.Server
	proxies []*proxy.Proxy
	loads   []*load.Steady
}

func (r *run) startWorkloads() error {
	r.servers = map[string]*workload.Server{}
	for i, w := range r.cfg.Workloads {
		g, err := traffic.NewGenerator(v1beta1.IstioProvider, v1beta1.MetricTemplateModel{Namespace: r.cfg.Namespace, Target: w.Name,
			Name: w.Name, Service: w.Name}, traffic.Canary, "Deployment")
		if err != nil {
			return err
		}
		srv, err := workload.Start(workload.Config{Name: w.Name, Series: g.Series(), Seed: r.cfg.Seed + uint64(i), Behaviour: r.behaviour(w)})
		if err != nil {
			return err
		}
		r.servers[w.Name] = srv
	}
	return nil
}

// behaviour answers as the workload does at the moment: its fault begins
// FaultAt after the load started.
func (r *run) behaviour(w Workload) func() workload.Behaviour {
	ok := w.SuccessRate
	if ok == 0 {
		ok = 100
	}
	return func() workload.Behaviour {
		b := workload.Behaviour{Serving: true, SuccessRate: ok, P50: 10 * time.Millisecond, P99: 50 * time.Millisecond}
		if w.FaultAt > 0 && r.started.Load() && time.Since(r.start) >= w.FaultAt {
			b.SuccessRate = w.FaultSuccessRate
		}
		return b
	}
}

func (r *run) targets() []string {
	var out []string
	for _, w := range r.cfg.Workloads {
		out = append(out, r.servers[w.Name].Addr())
	}
	return out
}

func (r *run) startLoad() error {
	r.start = time.Now()
	r.started.Store(true)
	for i, s := range r.cfg.Splits {
		p, c := r.servers[s.Primary], r.servers[s.Canary]
		if p == nil || c == nil {
			return fmt.Errorf("split %d names a workload the recording does not run (%s, %s)", i, s.Primary, s.Canary)
		}
		weight := s.Weight
		px, err := proxy.Start(proxy.Config{Primary: p.URL(), Canary: c.URL(), Seed: r.cfg.Seed + uint64(100+i),
			Routes: func() proxy.Routes { return proxy.Routes{Primary: 100 - weight, Canary: weight} }})
		if err != nil {
			return err
		}
		r.proxies = append(r.proxies, px)
		l := &load.Steady{URL: px.URL() + "/", Host: s.Primary, Rate: s.RPS}
		if err := l.Start(); err != nil {
			return err
		}
		r.loads = append(r.loads, l)
	}
	return nil
}

// stop ends the load, the proxies and the workloads (not Prometheus).
func (r *run) stop() error {
	var errs []error
	for _, l := range r.loads {
		l.Stop()
	}
	for _, p := range r.proxies {
		errs = append(errs, p.Close())
	}
	for _, s := range r.servers {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}
