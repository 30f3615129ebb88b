// This file is the modelled traffic feed: what each version served between
// two ticks, by the router's weights and any load test, written as samples
// to the synthetic Prometheus at the scrape interval.

package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
	"github.com/rehearse-dev/rehearse/sim/virtual/metricapi"
	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// abShare is the share of requests that match an A/B condition, and so
// reach the canary while A/B routing is on.
const abShare = 0.1

// feeder writes the samples the traffic model generates from the weights
// the engine set: what each version served since the last tick. It owns its
// generators, its noise and what it has written; what it reads of the other
// parts is handed to it at assembly (fixed for the run) or with each tick
// (what the cluster and the fault plan say then), so it reaches into none.
type feeder struct {
	gens [2]*traffic.Generator // indexed by traffic.Role
	// synth is what the Canary's own queries read beyond the builtin
	// series: the generators write its plans.
	synth traffic.Synthesis
	rng   *rand.Rand
	at    time.Time // samples are written up to here
	apex  float64
	ab    bool
	// exposure is what the canary served after the release.
	exposure reports.Exposure
	// revisions, for a Knative Service, writes each revision's series.
	revisions *revisionFeed

	// Handed at assembly.
	prom     *prom.Server      // where the samples go
	api      *metricapi.Server // the other providers' stand-ins, told what each version served
	serving  func(*memory.Pods, time.Time) bool
	provider string
	release  time.Time
	every    time.Duration // the scrape interval
	mirror   float64       // the share of the apex traffic a mirroring router copies
	versions versions
	noise    scenarios.Noise
}

// newFeeder builds the generators of the provider's builtin series, and
// adds the series the Canary's own queries read (see traffic.Synthesize).
// It is where the feeder is handed what it reads of the world.
func (w *world) newFeeder(start time.Time) (*feeder, error) {
	cd, provider := w.cluster.cd, w.provider
	f := &feeder{rng: rand.New(rand.NewPCG(uint64(w.seed), 0x5eed)), at: start, apex: w.sc.Traffic.RPS,
		ab:   cd.StrategyUnder(provider) == v1beta1.StrategyABTesting,
		prom: w.metrics.prom, api: w.metrics.api, serving: w.cluster.deploys.Serving, provider: provider,
		release: w.release, every: w.scrapeEvery, mirror: w.cluster.mirrorShare(),
		versions: w.sc.Versions, noise: w.sc.Traffic.Noise}
	model := metrics.NewModel(cd, v1beta1.DefaultMetricInterval, nil)
	var builtin []labels.Labels
	for _, role := range []traffic.Role{traffic.Primary, traffic.Canary} {
		g, err := traffic.NewGenerator(provider, model, role, cd.Spec.TargetRef.Kind)
		if err != nil {
			return nil, fmt.Errorf("traffic model for provider %s: %w", provider, err)
		}
		f.gens[role] = g
		builtin = append(builtin, g.Series()...)
	}
	queries := traffic.CanaryQueries(cd, w.cluster.template)
	f.prom.SetRetention(retentionFor(cd, queries))
	f.synth = traffic.Synthesize(queries, model, cd.Spec.TargetRef.Kind, traffic.Sources{Builtin: builtin, Given: givenSeries(w.sc.Series)})
	checks := checkQueries(cd, provider, queries)
	key := fmt.Sprintf("%q %q %#v %q %#v", provider, cd.Spec.TargetRef.Kind, model, checks, f.synth.Plans)
	f.gens = shapes.get(key, func() [2]*traffic.Generator { return shape(f.gens, f.synth.Plans, checks) })
	if cd.Spec.TargetRef.IsKnativeService() {
		f.revisions = &revisionFeed{provider: provider, model: model, gens: map[string]*traffic.Generator{}}
	}
	return f, nil
}

// shape gives the builtin generators the plans' series, then drops the
// series the checks cannot read and the samples they cannot reach.
func shape(gens [2]*traffic.Generator, plans []traffic.Plan, checks []string) [2]*traffic.Generator {
	read, ok := prom.Reads(checks)
	reach, bounded := prom.Reaches(checks)
	for _, g := range gens {
		g.AddPlans(plans)
		if ok {
			g.Keep(read)
		}
		if bounded {
			g.Reach(reach)
		}
	}
	return gens
}

// maxShapes bounds the generators shapes keeps: a process that sees more
// workloads and checks than this (a long-lived one) shapes the rest anew.
const maxShapes = 1024

// shapes keeps shaped generators by what decides which series a feed
// writes and how far back: provider, target kind, model, checks and plans.
// Matching every series against the checks' selectors was most of a
// feeder's setup, and a sweep's rehearsals, or a library's replays, shape
// the same generators again and again.
var shapes shapeMemo

type shapeMemo struct {
	mu sync.Mutex
	m  map[string][2]*traffic.Generator // never emitted to: only copied
}

// get returns copies of the generators kept for key, or build's, which it
// keeps while there is room.
func (c *shapeMemo) get(key string, build func() [2]*traffic.Generator) [2]*traffic.Generator {
	c.mu.Lock()
	kept, ok := c.m[key]
	c.mu.Unlock()
	if !ok {
		kept = build()
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.m == nil {
			c.m = map[string][2]*traffic.Generator{}
		}
		if len(c.m) >= maxShapes {
			return kept
		}
		c.m[key] = kept
	}
	return [2]*traffic.Generator{kept[0].Clone(), kept[1].Clone()}
}

// checkQueries is the PromQL of every check the engine runs on the
// synthetic Prometheus: the builtin metrics' queries, as the engine renders
// them, and the Canary's own. A Knative Service's builtin queries name a
// revision that changes as the run goes: its series are written revision
// by revision, not through these.
func checkQueries(cd *v1beta1.Canary, provider string, own []traffic.Query) []string {
	var out []string
	if a := cd.GetAnalysis(); a != nil {
		mp := metrics.MetricsProvider(cd, provider)
		for _, m := range a.Metrics {
			if m.Name != metrics.MetricSuccessRate && m.Name != metrics.MetricDuration {
				continue
			}
			q, err := metrics.BuiltinQuery(mp, m.Name, metrics.NewModel(cd, m.GetInterval(), m.TemplateVariables))
			if err == nil {
				out = append(out, q)
			}
		}
	}
	for _, q := range own {
		out = append(out, q.PromQL)
	}
	return out
}

// minRetention is the least a run keeps of its samples: long enough that
// a run of a few hours never drops any, as a stock Prometheus's head holds
// two to three hours.
const minRetention = 6 * time.Hour

// retentionFor is how much of the past the synthetic Prometheus must keep
// for the Canary's queries: twice the furthest any of them reads back (a
// builtin metric reads its interval, plus the lookback). 0, keep all, if a
// query's reach has no bound. A builtin metric's reach is counted with
// the lookback too, though its range selector needs none: the margin costs
// nothing but memory. Once a run is past it, each tick costs the
// same however long the run has been going.
func retentionFor(cd *v1beta1.Canary, queries []traffic.Query) time.Duration {
	reach := time.Duration(0)
	if a := cd.GetAnalysis(); a != nil {
		for _, m := range a.Metrics {
			d, err := model.ParseDuration(m.GetInterval())
			if err != nil {
				return 0
			}
			reach = max(reach, time.Duration(d)+prom.DefaultLookbackDelta)
		}
	}
	for _, q := range queries {
		d, ok := prom.Reach(q.PromQL)
		if !ok {
			return 0
		}
		reach = max(reach, d)
	}
	return max(minRetention, 2*reach)
}

// givenSeries says whether the scenario's raw series include a name.
func givenSeries(series []scenarios.Series) func(string) bool {
	names := map[string]bool{}
	for _, s := range series {
		names[s.Labels.Get(labels.MetricName)] = true
	}
	return func(name string) bool { return names[name] }
}

// synthesisNotes tells the report which metrics the rehearsal could not
// give series to, once each, and which names it took for typos. A run
// with such a metric is not rehearsable: its checks read nothing.
func (f *feeder) synthesisNotes(r *reports.Run) {
	var why []string
	for _, u := range f.synth.Unmapped {
		r.Notes = append(r.Notes, u.Message())
		why = append(why, u.Message())
	}
	for _, m := range f.synth.Misspelt {
		r.Notes = append(r.Notes, fmt.Sprintf("metric `%s` reads `%s`, which the %s series do not include: did you mean `%s`? As written it finds no data, as it would in Flagger",
			m.Metric, m.Name, f.provider, m.Meant))
	}
	notRehearsable(r, why...)
}

// notRehearsable adds reasons why the run cannot tell what Flagger would
// do: a metric whose data the rehearsal cannot produce.
func notRehearsable(r *reports.Run, why ...string) {
	if len(why) == 0 {
		return
	}
	if r.NotRehearsable != "" {
		why = append([]string{r.NotRehearsable}, why...)
	}
	r.NotRehearsable = strings.Join(why, "; ")
}

// scrapeIntervalOf is how often the synthetic Prometheus scrapes: the
// scenario's setting (which --scrape-interval overrides), else the default.
func scrapeIntervalOf(sc *scenarios.Scenario) time.Duration {
	if sc.Prometheus.ScrapeInterval > 0 {
		return sc.Prometheus.ScrapeInterval
	}
	return scenarios.DefaultScrapeInterval
}

// roles are the two versions as they stand between two ticks.
type roles struct {
	pods   [2]*memory.Pods
	routes engine.Routes
}

// feed writes samples from the last write up to until, from what the
// cluster says this tick (rs), whether the canary's scrape target is gone
// (stale) and the load tests running. No query comes before next (at or
// after until): a sample none reads from then on is left out.
func (f *feeder) feed(rs roles, stale bool, l *loads, until, next time.Time) error {
	err := f.prom.Write(func(app prom.Batch) error {
		for t := f.at.Add(f.every); !t.After(until); t = t.Add(f.every) {
			if err := f.scrape(app, rs, stale, l, t, next); err != nil {
				return err
			}
			f.at = t
		}
		return nil
	})
	if err != nil {
		return err
	}
	l.drop(f.at)
	return nil
}

// scrape writes one scrape's worth of samples for both versions to app,
// leaving out those no query at next or later reads.
func (f *feeder) scrape(app prom.Batch, rs roles, stale bool, l *loads, t, next time.Time) error {
	rps := f.split(rs.routes, l, t)
	var ivs [2]traffic.Interval
	for _, role := range []traffic.Role{traffic.Primary, traffic.Canary} {
		d := rs.pods[role]
		if d == nil || !f.serving(d, t) {
			rps[role] = 0
		}
		ivs[role] = f.served(d, rps[role], t)
		f.api.Observe(role, f.at, t, ivs[role])
		if role == traffic.Canary && t.After(f.release) {
			f.exposure.CanaryRequests += ivs[role].Requests
			f.exposure.CanaryErrors += ivs[role].Errors
		}
	}
	if f.revisions != nil {
		return f.revisions.emit(app, rs.pods, ivs, t, stale)
	}
	for _, role := range []traffic.Role{traffic.Primary, traffic.Canary} {
		if role == traffic.Canary && stale {
			continue // served, but its scrape target is gone: no samples
		}
		if err := f.gens[role].EmitUntil(app, t.UnixMilli(), next.UnixMilli(), ivs[role]); err != nil {
			return fmt.Errorf("writing samples: %w", err)
		}
	}
	return nil
}

// split is each version's request rate at t: the apex traffic by the
// router's weights (mirrored traffic is copied to the canary; A/B sends only
// matching requests; the kubernetes provider sends it all to the primary),
// plus the load tests l running.
func (f *feeder) split(r engine.Routes, l *loads, t time.Time) [2]float64 {
	apex := f.apex
	var rps [2]float64
	r = engine.ServedRoutes(f.provider, r)
	switch {
	case f.ab && r.Canary > 0:
		rps[traffic.Primary], rps[traffic.Canary] = apex*(1-abShare), apex*abShare
	default:
		rps[traffic.Primary] = apex * float64(r.Primary) / 100
		rps[traffic.Canary] = apex * float64(r.Canary) / 100
		if r.Mirrored {
			rps[traffic.Canary] += apex * f.mirror
		}
	}
	l.add(&rps, r, t, f.every)
	return rps
}

// served is what one version served during one scrape interval.
func (f *feeder) served(d *memory.Pods, rps float64, t time.Time) traffic.Interval {
	if d == nil || rps == 0 {
		return traffic.Interval{}
	}
	b := f.versions.behaviour(d.Image, t)
	n := rps * f.every.Seconds()
	sr := f.noisy(b.SuccessRate, f.noise.SuccessRate, 0, 100)
	lat := traffic.Latency{P50: f.noisyDuration(b.Latency.P50), P99: f.noisyDuration(b.Latency.P99)}
	lat.P99 = max(lat.P99, lat.P50)
	return traffic.Interval{Requests: n, Errors: n * (100 - sr) / 100, Latency: lat}
}

// versions are the scenario's versions, by image: how each behaves.
type versions map[string]*scenarios.Version

// behaviour is how an image's version behaves at t, or the default
// behaviour of an image the scenario does not describe.
func (vs versions) behaviour(image string, t time.Time) scenarios.Behaviour {
	if v, ok := vs[image]; ok {
		return v.At(t.Sub(epoch))
	}
	return scenarios.Behaviour{SuccessRate: scenarios.DefaultSuccessRate,
		Latency: scenarios.Latency{P50: scenarios.DefaultP50, P99: scenarios.DefaultP99}}
}

// noisy adds seeded normal noise with standard deviation sd, clamped.
func (f *feeder) noisy(v, sd, lo, hi float64) float64 {
	if sd == 0 {
		return v
	}
	return math.Min(hi, math.Max(lo, v+f.rng.NormFloat64()*sd))
}

func (f *feeder) noisyDuration(d time.Duration) time.Duration {
	rel := f.noise.Latency
	if rel == 0 {
		return d
	}
	return time.Duration(float64(d) * f.noisy(1, rel, 0.05, 20))
}
