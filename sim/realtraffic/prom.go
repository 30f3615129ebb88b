// This file is where a real-traffic run's metrics come from: the embedded
// Prometheus scraping the workloads on the virtual schedule, or a real
// Prometheus server queried at the wall-clock time of each virtual time.

package realtraffic

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/scrape"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// minScrapeEvery bounds how often the embedded loop scrapes.
const minScrapeEvery = time.Second

// scrapeEvery is the virtual time between scrapes: the run's scrape
// interval, or half the shortest metric range when that is shorter, so
// rate() always finds two samples in its range.
func scrapeEvery(cd *v1beta1.Canary, every time.Duration) time.Duration {
	if a := cd.GetAnalysis(); a != nil {
		for _, m := range a.Metrics {
			if d, err := model.ParseDuration(m.GetInterval()); err == nil && d > 0 {
				every = min(every, time.Duration(d)/2)
			}
		}
	}
	return max(every, minScrapeEvery)
}

// startScrapes scrapes both versions into the embedded Prometheus, on the
// virtual schedule anchor, anchor+every, ...
func (rt *Traffic) startScrapes() error {
	var targets []scrape.Target
	for role, srv := range rt.pods.servers {
		targets = append(targets, scrape.Target{Job: "workloads", Instance: traffic.Role(role).String(),
			URL: srv.URL() + "/metrics"})
	}
	rt.scrapes = &scrape.Loop{Scraper: &scrape.Scraper{Client: rt.w.HTTP, Targets: targets}, App: rt.w.Prom,
		First: rt.anchor, Every: rt.every, Wall: func(v time.Time) time.Time { return rt.clockValue().wall(v) }}
	return rt.scrapes.Start()
}

// useExternal starts the real Prometheus on the workloads and sends the
// engine's queries to it instead of the embedded one.
func (rt *Traffic) useExternal(ctx context.Context) error {
	var targets []string
	for _, srv := range rt.pods.servers {
		targets = append(targets, srv.Addr())
	}
	base, err := rt.cfg.Prometheus(ctx, targets)
	if err != nil {
		return fmt.Errorf("starting the real Prometheus: %w", err)
	}
	to, err := url.Parse(base)
	if err != nil || to.Host == "" {
		return fmt.Errorf("the real Prometheus's address %q is not a URL", base)
	}
	from, err := url.Parse(rt.w.PromURL)
	if err != nil {
		return fmt.Errorf("the embedded Prometheus's address: %w", err)
	}
	rt.external = base
	// The engine's own Prometheus client, through a transport that moves
	// the evaluation time; scenario faults on the embedded server do not
	// apply to a real one.
	rt.w.UseMetrics(&http.Client{Transport: &wallTimeProm{from: from.Host, to: to, offset: rt.wallOffset, next: rt.w.HTTP.Transport}})
	return nil
}

// wallOffset is what to add to a virtual time to get the wall time (at
// time scale 1, the only one a real Prometheus allows).
func (rt *Traffic) wallOffset() time.Duration {
	c := rt.clockValue()
	return c.w0.Sub(c.v0)
}

// wallTimeProm carries the engine's queries for the embedded Prometheus to
// a real one. The real one stamps samples with the wall clock, the engine
// asks at virtual times: the evaluation time is moved by the clock's offset
// (at time scale 1 virtual and wall time differ by a constant), nothing
// else changes.
type wallTimeProm struct {
	from   string   // host:port the engine asks
	to     *url.URL // the real Prometheus
	offset func() time.Duration
	next   http.RoundTripper
}

func (p *wallTimeProm) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != p.from {
		return p.next.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = p.to.Scheme, p.to.Host, p.to.Host
	out.URL.Path = strings.TrimSuffix(p.to.Path, "/") + req.URL.Path
	q := out.URL.Query()
	if t := q.Get("time"); t != "" {
		secs, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return nil, fmt.Errorf("query time %q is not Unix seconds: %w", t, err)
		}
		at := time.UnixMilli(int64(secs * 1000)).Add(p.offset())
		q.Set("time", strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64))
		out.URL.RawQuery = q.Encode()
	}
	return p.next.RoundTrip(out)
}
