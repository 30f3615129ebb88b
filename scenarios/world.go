// This file converts the simulated world a scenario describes: versions with their latency,
// readiness and timed changes, traffic and noise, and the Prometheus series.

package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
)

func (c *converter) versions(raw map[string]rawVersion) map[string]*Version {
	out := make(map[string]*Version, len(raw))
	for _, image := range slices.Sorted(maps.Keys(raw)) {
		out[image] = c.version(keyPath("spec.versions", image), image, raw[image])
	}
	return out
}

func (c *converter) version(path, image string, r rawVersion) *Version {
	v := &Version{Image: image, SuccessRate: DefaultSuccessRate, Latency: Latency{P50: DefaultP50, P99: DefaultP99}}
	if r.SuccessRate != nil {
		v.SuccessRate = *r.SuccessRate
		c.percent(path+".successRate", v.SuccessRate)
	}
	if r.Latency != nil {
		v.Latency = c.latency(path+".latency", r.Latency, v.Latency)
	}
	if r.Readiness != nil {
		v.Readiness = c.readiness(path+".readiness", r.Readiness)
	}
	v.Changes = c.changes(path+".changes", r.Changes)
	c.latencyOrder(path, v)
	return v
}

// latency applies the given percentiles over base; p99 below p50 is checked
// later, on each effective state, since a change may set just one.
func (c *converter) latency(path string, r *rawLatency, base Latency) Latency {
	return Latency{
		P50: c.duration(path+".p50", r.P50, base.P50),
		P99: c.duration(path+".p99", r.P99, base.P99),
	}
}

// latencyOrder checks p99 >= p50 at the start and after every change.
func (c *converter) latencyOrder(path string, v *Version) {
	if v.Latency.P99 < v.Latency.P50 {
		c.errorf(path+".latency.p99", "p99 %v is below p50 %v: the 99th percentile cannot be faster than the median", v.Latency.P99, v.Latency.P50)
	}
	for i, ch := range v.Changes {
		if l := v.At(ch.At).Latency; l.P99 < l.P50 && v.Latency.P99 >= v.Latency.P50 {
			c.errorf(indexPath(path+".changes", i), "from %v on, p99 %v is below p50 %v: raise p99 or lower p50", ch.At, l.P99, l.P50)
		}
	}
}

func (c *converter) readiness(path string, r *rawReadiness) Readiness {
	rd := Readiness{Never: r.Never, CrashLoop: r.CrashLoop, DeadlineExceeded: r.DeadlineExceeded}
	after, hasAfter := c.optDuration(path+".readyAfter", r.ReadyAfter)
	rd.ReadyAfter = after
	if n := countTrue(hasAfter, r.Never, r.CrashLoop, r.DeadlineExceeded); n > 1 {
		c.errorf(path, "give one of readyAfter, never, crashLoop or deadlineExceeded, not %d", n)
	}
	return rd
}

func countTrue(flags ...bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}

func (c *converter) changes(path string, raw []rawChange) []Change {
	out := make([]Change, 0, len(raw))
	for i, r := range raw {
		p := indexPath(path, i)
		ch := c.change(p, r)
		if i > 0 && ch.At <= out[i-1].At {
			c.errorf(p+".at", "%v does not come after the previous change (%v): list changes in time order", ch.At, out[i-1].At)
		}
		out = append(out, ch)
	}
	return out
}

func (c *converter) change(path string, r rawChange) Change {
	ch := Change{SuccessRate: r.SuccessRate}
	at, ok := c.optDuration(path+".at", r.At)
	if !ok && isAbsent(r.At) {
		c.errorf(path+".at", "missing: say when the change happens (time since the start of the run)")
	}
	ch.At = at
	if r.SuccessRate != nil {
		c.percent(path+".successRate", *r.SuccessRate)
	}
	if r.Latency != nil {
		ch.P50, ch.P99 = c.optDurationPtr(path+".latency.p50", r.Latency.P50), c.optDurationPtr(path+".latency.p99", r.Latency.P99)
	}
	if r.Readiness != nil {
		rd := c.readiness(path+".readiness", r.Readiness)
		ch.Readiness = &rd
	}
	if r.SuccessRate == nil && ch.P50 == nil && ch.P99 == nil && r.Readiness == nil {
		c.errorf(path, "changes nothing: set successRate, latency or readiness")
	}
	return ch
}

func (c *converter) optDurationPtr(path string, raw []byte) *time.Duration {
	if d, ok := c.optDuration(path, raw); ok {
		return &d
	}
	return nil
}

func (c *converter) traffic(r *rawTraffic) Traffic {
	t := Traffic{RPS: DefaultRPS}
	if r == nil {
		return t
	}
	t.Seed = r.Seed
	if r.RPS != nil {
		t.RPS = *r.RPS
	}
	if t.RPS < 0 {
		c.errorf("spec.traffic.rps", "%v is negative: use 0 for no traffic, or a rate in requests per second", t.RPS)
	}
	if r.Noise != nil {
		t.Noise = Noise{SuccessRate: r.Noise.SuccessRate, Latency: r.Noise.Latency}
		c.nonNegative("spec.traffic.noise.successRate", t.Noise.SuccessRate)
		c.nonNegative("spec.traffic.noise.latency", t.Noise.Latency)
	}
	return t
}

func (c *converter) prometheus(r *rawPrometheus) Prometheus {
	if r == nil {
		return Prometheus{}
	}
	d, ok := c.optDuration("spec.prometheus.scrapeInterval", r.ScrapeInterval)
	if ok {
		c.scrapeInterval("spec.prometheus.scrapeInterval", d)
	}
	return Prometheus{ScrapeInterval: d}
}

func (c *converter) nonNegative(path string, v float64) {
	if v < 0 {
		c.errorf(path, "%v is negative: noise is a standard deviation", v)
	}
}

// seriesParser parses promtool's series notation; one instance, as it is stateless.
var seriesParser = parser.NewParser(parser.Options{})

func (c *converter) series(raw []rawSeries) []Series {
	out := make([]Series, 0, len(raw))
	for i, r := range raw {
		out = append(out, c.oneSeries(indexPath("spec.series", i), r))
	}
	return out
}

func (c *converter) oneSeries(path string, r rawSeries) Series {
	s := Series{Metric: r.Metric, Text: r.Values,
		Interval: c.duration(path+".interval", r.Interval, DefaultSeriesInterval),
		Start:    c.duration(path+".start", r.Start, 0)}
	lbls, err := seriesParser.ParseMetric(r.Metric)
	if err != nil || r.Metric == "" {
		c.errorf(path+".metric", "%q is not a series name: write e.g. queue_depth{app=\"podinfo\"} (%v)", r.Metric, err)
	}
	s.Labels = lbls
	if !c.samplesFit(path+".values", r.Values) {
		return s
	}
	_, vals, err := seriesParser.ParseSeriesDesc("{} " + r.Values)
	c.samples += len(vals)
	if err != nil || len(vals) == 0 {
		c.errorf(path+".values", "%q is not promtool series notation: write e.g. \"0+10x20 _x3 stale\" (%v)", r.Values, err)
	}
	s.Values = vals
	c.seriesInterval(path+".interval", s.Interval)
	return s
}

func (c *converter) webhooks(raw map[string]rawWebhook) map[string]*Webhook {
	out := make(map[string]*Webhook, len(raw))
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		out[name] = c.webhook(keyPath("spec.webhooks", name), name, raw[name])
	}
	return out
}

func (c *converter) webhook(path, name string, r rawWebhook) *Webhook {
	w := &Webhook{Name: name}
	if (len(r.Answers) > 0) == (r.Gate != nil) {
		c.errorf(path, "give either answers or gate")
	}
	for i, a := range r.Answers {
		w.Answers = append(w.Answers, c.timedAnswer(indexPath(path+".answers", i), a, w.Answers))
	}
	if r.Gate != nil {
		w.Gate = c.gate(path+".gate", r.Gate)
	}
	return w
}

func (c *converter) timedAnswer(path string, r rawAnswer, before []TimedAnswer) TimedAnswer {
	a := TimedAnswer{From: c.duration(path+".from", r.From, 0)}
	a.HookAnswer = c.hookAnswer(path, r.Status, r.Latency, r.Timeout, r.Refused)
	if n := len(before); n > 0 && a.From <= before[n-1].From {
		c.errorf(path+".from", "%v does not come after the previous answer (%v): list answers in time order", a.From, before[n-1].From)
	}
	return a
}

// hookAnswer checks that exactly one outcome is given: a status, a timeout or a refusal.
func (c *converter) hookAnswer(path string, status int, latency []byte, timeout, refused bool) HookAnswer {
	a := HookAnswer{Status: status, Latency: c.duration(path+".latency", latency, 0), Timeout: timeout, Refused: refused}
	switch n := countTrue(status != 0, timeout, refused); {
	case n != 1:
		c.errorf(path, "give exactly one of status, timeout: true or refused: true")
	case status != 0 && (status < 100 || status > 599):
		c.errorf(path+".status", "%d is not an HTTP status: use 100 to 599", status)
	}
	return a
}

func (c *converter) gate(path string, r *rawGate) *Gate {
	g := &Gate{Open: r.Open}
	if at, ok := c.optDuration(path+".openAt", r.OpenAt); ok {
		g.OpenAt = &at
	}
	if g.Open && g.OpenAt != nil {
		c.errorf(path+".openAt", "the gate is already open: set open: false to open it at %v", *g.OpenAt)
	}
	return g
}

// String describes a series for messages and reports.
func (s Series) String() string { return fmt.Sprintf("%s %s", s.Metric, s.Text) }
