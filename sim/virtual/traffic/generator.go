// This file is the Generator: one version's series, their counters moved
// on by each interval's requests, appended at each scrape.

package traffic

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// Appender takes one sample. Adapt a TSDB appender to it.
type Appender interface {
	Append(l labels.Labels, tMillis int64, v float64) error
}

// RefAppender is an Appender that hands back a reference to the series it
// appended to; given back next time, it spares the store the labels'
// lookup. A Generator appends every series every scrape, so it keeps them.
type RefAppender interface {
	AppendRef(ref uint64, l labels.Labels, tMillis int64, v float64) (uint64, error)
}

// Role says which workload version a Generator stands for.
type Role int

// The two versions under a rollout.
const (
	Primary Role = iota
	Canary
)

func (r Role) String() string { return version(r) }

// Interval is what happened since the previous Emit.
type Interval struct {
	// Requests and Errors are counts (they may be fractional: rate times
	// seconds); Errors are the 5xx among the Requests.
	Requests, Errors float64
	Latency          Latency
}

func (iv Interval) validate() error {
	switch {
	case math.IsNaN(iv.Requests) || math.IsNaN(iv.Errors) || math.IsInf(iv.Requests, 0):
		return errors.New("requests and errors must be finite numbers")
	case iv.Requests < 0 || iv.Errors < 0:
		return fmt.Errorf("requests %v and errors %v must not be negative", iv.Requests, iv.Errors)
	case iv.Errors > iv.Requests:
		return fmt.Errorf("errors %v exceed requests %v", iv.Errors, iv.Requests)
	}
	return iv.Latency.validate()
}

// Which requests a series counts.
const (
	srcOK = iota
	srcFailed
	srcAll
)

// series is one time series and its cumulative value.
type series struct {
	labels labels.Labels
	ref    uint64 // the store's reference, when it is a RefAppender
	src    uint8  // srcOK, srcFailed or srcAll
	weight uint8  // index into weights
	value  float64
	// reach is how far before a query's time the queries reading the
	// series look, in ms (see Reach); 0 when unknown.
	reach int64
}

// Generator keeps one workload version's series. It is not safe for
// concurrent use.
type Generator struct {
	role   Role
	series []series
	// gauges hold latency statistics of the requests since the last Emit.
	gauges []gauge
	// The weights of the last latency, reused while it does not change.
	latency Latency
	weights weights
}

// NewGenerator builds the series that the builtin queries of provider read,
// labelled for role. provider is the mesh or ingress provider as the Canary
// or the controller names it; with targetKind "Service" the ":service" rule
// of Flagger's factory applies (so kubernetes, linkerd, nginx... get Istio's
// series, as Flagger would query them). A provider already carrying the
// suffix is taken as it is.
func NewGenerator(provider string, m v1beta1.MetricTemplateModel, role Role, targetKind string) (*Generator, error) {
	if role != Primary && role != Canary {
		return nil, fmt.Errorf("role %d is neither Primary nor Canary", int(role))
	}
	if m.Namespace == "" || m.Target == "" {
		return nil, errors.New("the model needs a namespace and a target to label series with")
	}
	obs := metrics.ObserverFor(withServiceSuffix(provider, targetKind))
	f := families[obs]
	if err := checkModel(obs, m); err != nil {
		return nil, err
	}
	g := &Generator{role: role, latency: Latency{P50: -1}}
	g.series = layoutOf(obs, f, f.selector(m, role, targetKind))
	return g, nil
}

// maxLayouts bounds the layouts kept: a process that sees more workloads
// than this (a long-lived controller) lays out the rest every time.
const maxLayouts = 1024

// layouts keeps each workload's series layout by observer and selector:
// every rehearsal of a sweep, and every scenario of a library on the same
// names, lays out the same series, and labelling them was most of a
// Generator's construction. A layout's labels are never changed, so
// generators share them; each gets its own copy of the series (their
// counters and refs).
var layouts struct {
	sync.Mutex
	m map[string][]series
}

// layoutOf is f's series for the selector sel, built once while there is
// room.
func layoutOf(obs metrics.Observer, f family, sel []string) []series {
	key := string(obs) + "\xff" + strings.Join(sel, "\xff")
	layouts.Lock()
	l, ok := layouts.m[key]
	layouts.Unlock()
	if ok {
		return slices.Clone(l)
	}
	l = f.build(sel)
	layouts.Lock()
	defer layouts.Unlock()
	if layouts.m == nil {
		layouts.m = map[string][]series{}
	}
	if len(layouts.m) < maxLayouts {
		layouts.m[key] = slices.Clone(l)
	}
	return l
}

func withServiceSuffix(provider, targetKind string) string {
	if targetKind != "Service" || provider == v1beta1.KnativeProvider || strings.HasSuffix(provider, metrics.ServiceSuffix) {
		return provider
	}
	return provider + metrics.ServiceSuffix
}

// checkModel asks for the names an observer's series are labelled with.
func checkModel(obs metrics.Observer, m v1beta1.MetricTemplateModel) error {
	need := map[metrics.Observer]string{metrics.ObserverKnative: m.Route, metrics.ObserverApisix: m.Route,
		metrics.ObserverNginx: m.Ingress, metrics.ObserverSkipper: m.Ingress + m.Service, metrics.ObserverContour: m.Service}
	if v, ok := need[obs]; ok && v == "" {
		return fmt.Errorf("the %s series need the model's route, ingress or service: use metrics.NewModel", obs)
	}
	return nil
}

// build lays out every series: the counter's two, then each histogram's.
func (f family) build(sel []string) []series {
	var out []series
	b := labels.NewScratchBuilder(len(sel)/2 + 4)
	if f.counter != "" {
		out = append(out, f.point(&b, f.counter, sel, f.ok, srcOK, wAll), f.point(&b, f.counter, sel, f.failed, srcFailed, wAll))
	}
	for _, h := range f.hists {
		hsel := append(append([]string(nil), sel...), h.extra...)
		if !h.split {
			out = append(out, f.histSeries(&b, h, hsel, "", srcAll)...)
			continue
		}
		out = append(out, f.histSeries(&b, h, hsel, f.ok, srcOK)...)
		out = append(out, f.histSeries(&b, h, hsel, f.failed, srcFailed)...)
	}
	return out
}

// point is one series; an empty status leaves the status label out. Its
// labels are put together in b, which the caller hands to every point of a
// layout: a histogram has dozens, and they differ in one label.
func (f family) point(b *labels.ScratchBuilder, name string, sel []string, status string, src, weight uint8, more ...string) series {
	b.Reset()
	b.Add(labels.MetricName, name)
	addPairs(b, sel)
	addPairs(b, more)
	if status != "" {
		b.Add(f.status, status)
	}
	b.Sort()
	return series{labels: b.Labels(), src: src, weight: weight}
}

// addPairs adds name, value, name, value... to b.
func addPairs(b *labels.ScratchBuilder, pairs []string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		b.Add(pairs[i], pairs[i+1])
	}
}

// histSeries is a histogram's buckets, +Inf, _sum and _count.
func (f family) histSeries(b *labels.ScratchBuilder, h histogram, sel []string, status string, src uint8) []series {
	out := make([]series, 0, nBuckets+3)
	bucket, les := h.name+"_bucket", leLabels(h.seconds)
	for i := range bucketsMillis {
		out = append(out, f.point(b, bucket, sel, status, src, uint8(i), "le", les[i]))
	}
	mean := wMeanMillis
	if h.seconds {
		mean = wMeanSeconds
	}
	return append(out, f.point(b, bucket, sel, status, src, wAll, "le", "+Inf"),
		f.point(b, h.name+"_sum", sel, status, src, mean), f.point(b, h.name+"_count", sel, status, src, wAll))
}

// leByUnit is every finite bucket's le label, in milliseconds and in
// seconds: each generator labels its histograms' buckets with them, so they
// are formatted once for the process, not once a series.
var leByUnit = [2][nBuckets]string{leTable(false), leTable(true)}

func leTable(seconds bool) [nBuckets]string {
	var out [nBuckets]string
	for i, ms := range bucketsMillis {
		if seconds {
			ms /= 1000
		}
		out[i] = strconv.FormatFloat(ms, 'f', -1, 64)
	}
	return out
}

// leLabels are the finite buckets' le labels, in seconds or milliseconds.
func leLabels(seconds bool) *[nBuckets]string {
	if seconds {
		return &leByUnit[1]
	}
	return &leByUnit[0]
}

// Emit adds an interval's requests to the counters and appends one sample
// per series at tMillis. Samples must move forward in time, as in any TSDB.
func (g *Generator) Emit(app Appender, tMillis int64, iv Interval) error {
	return g.EmitUntil(app, tMillis, math.MinInt64, iv)
}

// EmitUntil is Emit within a feed whose next query is at untilMillis,
// none after it earlier: a series given a reach (see Reach) gets no sample
// at or before untilMillis minus its reach, which no such query can read.
// Its counter still counts the interval, so later samples are the same.
func (g *Generator) EmitUntil(app Appender, tMillis, untilMillis int64, iv Interval) error {
	if err := iv.validate(); err != nil {
		return fmt.Errorf("traffic interval at %d: %w", tMillis, err)
	}
	w := g.weightsFor(iv.Latency)
	reqs := [3]float64{srcOK: iv.Requests - iv.Errors, srcFailed: iv.Errors, srcAll: iv.Requests}
	ra, _ := app.(RefAppender)
	for i := range g.series {
		s := &g.series[i]
		s.value += reqs[s.src] * w[s.weight]
		if unread(tMillis, untilMillis, s.reach) {
			continue
		}
		var err error
		if ra != nil {
			s.ref, err = ra.AppendRef(s.ref, s.labels, tMillis, s.value)
		} else {
			err = app.Append(s.labels, tMillis, s.value)
		}
		if err != nil {
			return fmt.Errorf("appending %s at %d: %w", s.labels.Get(labels.MetricName), tMillis, err)
		}
	}
	return g.emitGauges(app, tMillis, untilMillis, iv)
}

// unread says whether a sample at t is older than any query at or after
// until can read, for series read reach ms back (0: unknown, keep it).
func unread(t, until, reach int64) bool {
	return reach > 0 && until != math.MinInt64 && t <= until-reach
}

// Reach gives each series and gauge how far back the queries reading it
// look (prom.Reaches), so that EmitUntil leaves out the samples they
// cannot read. A reach of 0 or less leaves out nothing. Call it after
// AddPlans and before the first Emit.
func (g *Generator) Reach(reach func(labels.Labels) time.Duration) {
	for i := range g.series {
		g.series[i].reach = max(reach(g.series[i].labels).Milliseconds(), 0)
	}
	for i := range g.gauges {
		g.gauges[i].reach = max(reach(g.gauges[i].labels).Milliseconds(), 0)
	}
}

func (g *Generator) weightsFor(l Latency) *weights {
	if l != g.latency {
		g.latency, g.weights = l, weightsFor(l)
	}
	return &g.weights
}

// Clone returns a generator with g's series and gauges (their labels
// shared: they are never changed) and its own counters, as g was before
// its first Emit. Clone only a generator that has not emitted.
func (g *Generator) Clone() *Generator {
	c := *g
	c.series, c.gauges = slices.Clone(g.series), slices.Clone(g.gauges)
	return &c
}

// Series returns the labels of every series, in emission order.
func (g *Generator) Series() []labels.Labels {
	out := make([]labels.Labels, 0, len(g.series)+len(g.gauges))
	for _, s := range g.series {
		out = append(out, s.labels)
	}
	for _, s := range g.gauges {
		out = append(out, s.labels)
	}
	return out
}
