// This file tests the Generator's series and counters.

package traffic

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// recorder is an Appender that keeps the last value of each series.
type recorder struct {
	values map[string]float64
	times  map[int64]int
	fail   error
}

func newRecorder() *recorder { return &recorder{values: map[string]float64{}, times: map[int64]int{}} }

func (r *recorder) Append(l labels.Labels, t int64, v float64) error {
	if r.fail != nil {
		return r.fail
	}
	r.values[l.String()] = v
	r.times[t]++
	return nil
}

func TestEmitAccumulates(t *testing.T) {
	g := mustGenerator(t, "istio", metrics.NewModel(testCanary(), "1m", nil), Canary, "Deployment")
	rec := newRecorder()
	lat := Latency{P50: 10 * time.Millisecond, P99: 100 * time.Millisecond}
	for i, iv := range []Interval{{Requests: 100, Errors: 10, Latency: lat}, {Requests: 50, Errors: 0, Latency: lat}} {
		if err := g.Emit(rec, int64(i)*10000, iv); err != nil {
			t.Fatal(err)
		}
	}
	key := func(name string, more ...string) string {
		pairs := append([]string{"__name__", name, "reporter", "destination",
			"destination_workload_namespace", "test-ns", "destination_workload", "podinfo"}, more...)
		return labels.FromStrings(pairs...).String()
	}
	want := map[string]float64{
		key("istio_requests_total", "response_code", "200"):              140,
		key("istio_requests_total", "response_code", "500"):              10,
		key("istio_request_duration_milliseconds_count"):                 150,
		key("istio_request_duration_milliseconds_sum"):                   150 * lognormalMean(0.01, 0.1) * 1000 * nudge,
		key("istio_request_duration_milliseconds_bucket", "le", "+Inf"):  150,
		key("istio_request_duration_milliseconds_bucket", "le", "12500"): 150,
		key("istio_request_duration_milliseconds_bucket", "le", "10"):    75,
		key("istio_request_duration_milliseconds_bucket", "le", "4"):     150 * lognormalCDF(0.01, 0.1)(0.004),
	}
	for k, v := range want {
		got, ok := rec.values[k]
		if !ok || abs(got-v) > 1e-6 {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if n := rec.times[10000]; n != len(g.Series()) {
		t.Fatalf("one Emit appended %d samples, want one per series (%d)", n, len(g.Series()))
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestEmitRejectsNonsense(t *testing.T) {
	g := mustGenerator(t, "istio", metrics.NewModel(testCanary(), "1m", nil), Canary, "Deployment")
	ms := time.Millisecond
	tests := map[string]Interval{
		"errors above requests": {Requests: 1, Errors: 2},
		"negative requests":     {Requests: -1},
		"P99 below P50":         {Requests: 1, Latency: Latency{P50: 10 * ms, P99: 5 * ms}},
		"P99 without P50":       {Requests: 1, Latency: Latency{P99: 5 * ms}},
		"negative latency":      {Requests: 1, Latency: Latency{P50: -ms, P99: -ms}},
	}
	for name, iv := range tests {
		if err := g.Emit(newRecorder(), 0, iv); err == nil {
			t.Errorf("%s: Emit accepted %+v", name, iv)
		}
	}
	rec := newRecorder()
	rec.fail = errors.New("out of order sample")
	if err := g.Emit(rec, 0, Interval{}); err == nil || !strings.Contains(err.Error(), "out of order") {
		t.Fatalf("Emit() error = %v, want the appender's", err)
	}
}

func TestNewGeneratorErrors(t *testing.T) {
	m := metrics.NewModel(testCanary(), "1m", nil)
	noRoute := m
	noRoute.Route = ""
	noTarget := m
	noTarget.Target = ""
	if _, err := NewGenerator("istio", noTarget, Canary, "Deployment"); err == nil {
		t.Error("a model without a target was accepted")
	}
	if _, err := NewGenerator("knative", noRoute, Canary, "Service"); err == nil {
		t.Error("knative without a route was accepted")
	}
	if _, err := NewGenerator("istio", m, Role(7), "Deployment"); err == nil {
		t.Error("an unknown role was accepted")
	}
}

// TestSeriesPerTick pins the per-tick cost: how many series one version
// writes for each provider.
func TestSeriesPerTick(t *testing.T) {
	m := metrics.NewModel(testCanary(), "1m", nil)
	want := map[string]int{"kubernetes": 84, "istio": 44, "linkerd": 44, "nginx": 44, "contour": 44,
		"apisix": 44, "traefik": 84, "skipper": 126}
	for provider, n := range want {
		if got := len(mustGenerator(t, provider, m, Canary, "Deployment").Series()); got != n {
			t.Errorf("%s writes %d series, want %d", provider, got, n)
		}
	}
}

// TestCanaryQueryMissesThePrimary checks each provider's labels directly:
// the canary's selector matches every canary series of the queried metric
// and no primary series.
func TestCanaryQueryMissesThePrimary(t *testing.T) {
	m := metrics.NewModel(testCanary(), "1m", nil)
	for _, provider := range allProviders {
		q := builtin(t, provider, metrics.MetricSuccessRate, m)
		sels := selectors(t, q)
		for _, role := range []Role{Canary, Primary} {
			matched := 0
			for _, l := range mustGenerator(t, provider, m, role, "Deployment").Series() {
				for _, ms := range sels {
					if matchesAll(ms, l) {
						matched++
					}
				}
			}
			if (matched > 0) != (role == Canary) {
				t.Errorf("%s: the success-rate selectors match %d %s series", provider, matched, role)
			}
		}
	}
}

func selectors(t *testing.T, q string) [][]*labels.Matcher {
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(q)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]*labels.Matcher
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			out = append(out, vs.LabelMatchers)
		}
		return nil
	})
	return out
}

func matchesAll(ms []*labels.Matcher, l labels.Labels) bool {
	for _, m := range ms {
		if !m.Matches(l.Get(m.Name)) {
			return false
		}
	}
	return true
}

func BenchmarkEmit(b *testing.B) {
	m := metrics.NewModel(testCanary(), "1m", nil)
	for _, provider := range []string{"istio", "kubernetes"} {
		b.Run(provider, func(b *testing.B) {
			g, _ := NewGenerator(provider, m, Canary, "Deployment")
			app := discard{}
			iv := Interval{Requests: 100, Errors: 1, Latency: Latency{P50: 20 * time.Millisecond, P99: 200 * time.Millisecond}}
			var at int64
			for b.Loop() {
				at += 10000
				if err := g.Emit(app, at, iv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEmitChangingLatency pays for the log-normal on every call.
func BenchmarkEmitChangingLatency(b *testing.B) {
	g, _ := NewGenerator("istio", metrics.NewModel(testCanary(), "1m", nil), Canary, "Deployment")
	var at int64
	for b.Loop() {
		at += 10000
		iv := Interval{Requests: 100, Latency: Latency{P50: 20 * time.Millisecond, P99: time.Duration(200+at%97) * time.Millisecond}}
		if err := g.Emit(discard{}, at, iv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewGenerator is what each rehearsal pays for a version's
// series, before the queries' reads drop most of them: after the first
// generator of a workload, a copy of its layout.
func BenchmarkNewGenerator(b *testing.B) {
	m := metrics.NewModel(testCanary(), "1m", nil)
	for b.Loop() {
		if _, err := NewGenerator("istio", m, Canary, "Deployment"); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Append(labels.Labels, int64, float64) error { return nil }

// TestKeep checks that a generator keeping only the request counters
// appends those and nothing else, with the same values.
func TestKeep(t *testing.T) {
	m := metrics.NewModel(testCanary(), "1m", nil)
	all, kept := mustGenerator(t, "istio", m, Canary, "Deployment"), mustGenerator(t, "istio", m, Canary, "Deployment")
	kept.Keep(func(l labels.Labels) bool { return l.Get(labels.MetricName) == "istio_requests_total" })
	iv := Interval{Requests: 100, Errors: 10, Latency: Latency{P50: 10 * time.Millisecond, P99: 100 * time.Millisecond}}
	recAll, recKept := newRecorder(), newRecorder()
	if err := all.Emit(recAll, 0, iv); err != nil {
		t.Fatal(err)
	}
	if err := kept.Emit(recKept, 0, iv); err != nil {
		t.Fatal(err)
	}
	if len(recKept.values) != 2 {
		t.Fatalf("kept %d series, want the 2 request counters: %v", len(recKept.values), recKept.values)
	}
	for k, v := range recKept.values {
		if recAll.values[k] != v {
			t.Errorf("%s = %v, want %v as without Keep", k, v, recAll.values[k])
		}
	}
}

// TestClone: a clone writes what its original would, and counts on its own.
func TestClone(t *testing.T) {
	g := mustGenerator(t, "istio", metrics.NewModel(testCanary(), "1m", nil), Canary, "Deployment")
	g.Keep(func(l labels.Labels) bool { return l.Get(labels.MetricName) == "istio_requests_total" })
	c := g.Clone()
	iv := Interval{Requests: 100, Errors: 10, Latency: Latency{P50: 10 * time.Millisecond, P99: 100 * time.Millisecond}}
	fromClone, fromOriginal := newRecorder(), newRecorder()
	for i := range int64(2) {
		if err := c.Emit(fromClone, i*10000, iv); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Emit(fromOriginal, 0, iv); err != nil {
		t.Fatal(err)
	}
	if len(fromClone.values) != 2 {
		t.Fatalf("the clone wrote %d series, want the 2 its original keeps: %v", len(fromClone.values), fromClone.values)
	}
	for k, v := range fromOriginal.values {
		if want := 2 * v; fromClone.values[k] != want {
			t.Errorf("%s: the clone counted %v after two intervals, want %v: the original's one interval counts %v", k, fromClone.values[k], want, v)
		}
	}
}
