// This file tests the builtin queries of each provider over generated
// traffic, through real PromQL.

package traffic

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// store is a real TSDB and PromQL engine, the pair the harness serves.
type store struct {
	db  *tsdb.DB
	eng *promql.Engine
}

func newStore(t *testing.T) *store {
	t.Helper()
	db, err := tsdb.Open(t.TempDir(), nil, nil, tsdb.DefaultOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return &store{db: db, eng: promql.NewEngine(promql.EngineOpts{MaxSamples: 1e7, Timeout: time.Minute, LookbackDelta: 5 * time.Minute})}
}

// tsdbAppender adapts a TSDB appender to Appender.
type tsdbAppender struct{ app storage.Appender }

func (a tsdbAppender) Append(l labels.Labels, t int64, v float64) error {
	_, err := a.app.Append(0, l, t, v)
	return err
}

// run emits both versions every step from 0 to until and commits.
func (s *store) run(t *testing.T, gens map[*Generator]Interval, step, until time.Duration) {
	t.Helper()
	for at := time.Duration(0); at <= until; at += step {
		app := s.db.Appender(context.Background())
		for g, iv := range gens {
			if err := g.Emit(tsdbAppender{app}, at.Milliseconds(), scale(iv, step)); err != nil {
				t.Fatal(err)
			}
		}
		if err := app.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

// scale turns per-second rates into the counts of one step.
func scale(iv Interval, step time.Duration) Interval {
	iv.Requests *= step.Seconds()
	iv.Errors *= step.Seconds()
	return iv
}

// query evaluates at t and returns the one value, or NaN for none.
func (s *store) query(t *testing.T, q string, at time.Duration) float64 {
	t.Helper()
	v, err := s.eval(q, at)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (s *store) eval(q string, at time.Duration) (float64, error) {
	qry, err := s.eng.NewInstantQuery(context.Background(), s.db, nil, q, time.UnixMilli(at.Milliseconds()))
	if err != nil {
		return 0, fmt.Errorf("%w: %s", err, q)
	}
	res := qry.Exec(context.Background())
	if res.Err != nil {
		return 0, fmt.Errorf("%w: %s", res.Err, q)
	}
	vec, err := res.Vector()
	if err != nil {
		return 0, err
	}
	switch len(vec) {
	case 0:
		return math.NaN(), nil
	case 1:
		return vec[0].F, nil
	}
	return 0, fmt.Errorf("query returned %d series, want one: %s", len(vec), q)
}

func testCanary() *v1beta1.Canary {
	cd := &v1beta1.Canary{}
	cd.Name, cd.Namespace = "podinfo", "test-ns"
	cd.Spec.TargetRef = v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"}
	cd.Spec.Service.Name = "podinfo-svc"
	cd.Spec.IngressRef = &v1beta1.LocalObjectReference{Name: "podinfo.ing"}
	cd.Spec.RouteRef = &v1beta1.LocalObjectReference{Name: "podinfo-route"}
	return cd
}

var allProviders = []string{"kubernetes", "gatewayapi:v1", "istio", "linkerd", "nginx", "contour", "gloo", "kuma",
	"osm", "apisix", "appmesh", "knative", "skipper", "traefik"}

// usesMean says whether the provider's request-duration is a mean.
func usesMean(provider string) bool {
	o := metrics.ObserverFor(provider)
	return o == metrics.ObserverNginx || o == metrics.ObserverSkipper
}

// primaryTraffic differs from every canary case, so a query that selected
// the primary would be caught.
var primaryTraffic = Interval{Requests: 37, Errors: 0.37, Latency: Latency{P50: 3 * time.Millisecond, P99: 9 * time.Second}}

// TestBuiltinQueriesReadTheCanary is the key test: for each provider and
// case, the real PromQL engine running Flagger's builtin queries over the
// generated samples returns the canary's success rate and P99 (or mean).
func TestBuiltinQueriesReadTheCanary(t *testing.T) {
	cases := []struct {
		name string
		iv   Interval // per second
	}{
		{"healthy", Interval{Requests: 10, Errors: 0, Latency: Latency{P50: 40 * time.Millisecond, P99: 480 * time.Millisecond}}},
		{"5 percent errors", Interval{Requests: 20, Errors: 1, Latency: Latency{P50: 100 * time.Millisecond, P99: 500 * time.Millisecond}}},
		{"slow and failing", Interval{Requests: 3.3, Errors: 1.1, Latency: Latency{P50: 2 * time.Second, P99: 10 * time.Second}}},
		{"fast, narrow", Interval{Requests: 250, Errors: 0.25, Latency: Latency{P50: 4 * time.Millisecond, P99: 5 * time.Millisecond}}},
		{"single latency", Interval{Requests: 1, Errors: 0, Latency: Latency{P50: 123 * time.Millisecond, P99: 123 * time.Millisecond}}},
	}
	cd := testCanary()
	model := metrics.NewModel(cd, "1m", nil)
	for _, provider := range allProviders {
		for _, tc := range cases {
			t.Run(provider+"/"+tc.name, func(t *testing.T) {
				s := newStore(t)
				canary := mustGenerator(t, provider, model, Canary, "Deployment")
				primary := mustGenerator(t, provider, model, Primary, "Deployment")
				s.run(t, map[*Generator]Interval{canary: tc.iv, primary: primaryTraffic}, 10*time.Second, 5*time.Minute)
				checkSuccessRate(t, s, provider, model, tc.iv)
				checkDuration(t, s, provider, model, tc.iv)
			})
		}
	}
}

func mustGenerator(t *testing.T, provider string, m v1beta1.MetricTemplateModel, role Role, kind string) *Generator {
	t.Helper()
	g, err := NewGenerator(provider, m, role, kind)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func builtin(t *testing.T, provider, metric string, m v1beta1.MetricTemplateModel) string {
	t.Helper()
	q, err := metrics.BuiltinQuery(provider, metric, m)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func checkSuccessRate(t *testing.T, s *store, provider string, m v1beta1.MetricTemplateModel, iv Interval) {
	t.Helper()
	got := s.query(t, builtin(t, provider, metrics.MetricSuccessRate, m), 5*time.Minute)
	want := (iv.Requests - iv.Errors) / iv.Requests * 100
	if math.Abs(got-want) > 1e-9*want {
		t.Errorf("success rate = %v, want %v", got, want)
	}
}

func checkDuration(t *testing.T, s *store, provider string, m v1beta1.MetricTemplateModel, iv Interval) {
	t.Helper()
	raw := s.query(t, builtin(t, provider, metrics.MetricDuration, m), 5*time.Minute)
	got := metrics.DurationMillis(provider, raw)
	if usesMean(provider) {
		mean := lognormalMean(iv.Latency.P50.Seconds(), iv.Latency.P99.Seconds()) * 1000
		if got != math.Trunc(mean) {
			t.Errorf("mean duration = %v ms (raw %v), want %v", got, raw, math.Trunc(mean))
		}
		return
	}
	if want := float64(iv.Latency.P99.Milliseconds()); got != want {
		t.Errorf("P99 = %v ms (raw %v), want %v", got, raw, want)
	}
}

func TestNoTrafficGivesNoValue(t *testing.T) {
	model := metrics.NewModel(testCanary(), "1m", nil)
	idle := Interval{Latency: Latency{P50: 10 * time.Millisecond, P99: 50 * time.Millisecond}}
	for _, provider := range allProviders {
		t.Run(provider, func(t *testing.T) {
			s := newStore(t)
			canary := mustGenerator(t, provider, model, Canary, "Deployment")
			primary := mustGenerator(t, provider, model, Primary, "Deployment")
			s.run(t, map[*Generator]Interval{canary: idle, primary: primaryTraffic}, 10*time.Second, 3*time.Minute)
			for _, metric := range []string{metrics.MetricSuccessRate, metrics.MetricDuration} {
				if v := s.query(t, builtin(t, provider, metric, model), 3*time.Minute); !math.IsNaN(v) {
					t.Errorf("%s with no canary traffic = %v, want no value", metric, v)
				}
			}
		})
	}
}

// TestTrafficStoppingEmptiesTheWindow: once a whole range has passed with no
// requests, the success rate has no value again.
func TestTrafficStoppingEmptiesTheWindow(t *testing.T) {
	model := metrics.NewModel(testCanary(), "1m", nil)
	s := newStore(t)
	g := mustGenerator(t, "istio", model, Canary, "Deployment")
	busy := Interval{Requests: 10, Latency: Latency{P50: time.Millisecond * 10, P99: time.Millisecond * 90}}
	s.run(t, map[*Generator]Interval{g: busy}, 10*time.Second, 2*time.Minute)
	q := builtin(t, "istio", metrics.MetricSuccessRate, model)
	if v := s.query(t, q, 2*time.Minute); v != 100 {
		t.Fatalf("busy success rate = %v", v)
	}
	app := s.db.Appender(context.Background())
	for at := 130 * time.Second; at <= 4*time.Minute; at += 10 * time.Second {
		if err := g.Emit(tsdbAppender{app}, at.Milliseconds(), Interval{Latency: busy.Latency}); err != nil {
			t.Fatal(err)
		}
	}
	_ = app.Commit()
	if v := s.query(t, q, 4*time.Minute); !math.IsNaN(v) {
		t.Fatalf("success rate after traffic stopped = %v, want no value", v)
	}
}

// TestFlaggerPatternQuirks pins two of Flagger's own behaviours the series
// reproduce: a Service target sends the kubernetes provider to Istio's
// queries, and for a DaemonSet the pod pattern selects the primary's pods.
func TestFlaggerPatternQuirks(t *testing.T) {
	cd := testCanary()
	model := metrics.NewModel(cd, "1m", nil)
	canaryIv := Interval{Requests: 10, Errors: 2, Latency: Latency{P50: 50 * time.Millisecond, P99: 200 * time.Millisecond}}
	tests := []struct {
		name, provider, kind, queryProvider string
		want                                float64 // success rate the query reads
	}{
		{"service target reads istio series", "kubernetes", "Service", "kubernetes:service", 80},
		{"daemonset pods: the primary is what the query sees", "kubernetes", "DaemonSet", "kubernetes", 99},
		{"daemonset on istio is fine", "istio", "DaemonSet", "istio", 80},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			canary := mustGenerator(t, tt.provider, model, Canary, tt.kind)
			primary := mustGenerator(t, tt.provider, model, Primary, tt.kind)
			s.run(t, map[*Generator]Interval{canary: canaryIv, primary: primaryTraffic}, 10*time.Second, 2*time.Minute)
			got := s.query(t, builtin(t, tt.queryProvider, metrics.MetricSuccessRate, model), 2*time.Minute)
			if math.Abs(got-tt.want) > 1e-9 {
				t.Fatalf("success rate = %v, want %v", got, tt.want)
			}
		})
	}
}

// BenchmarkEmitTSDB is one scrape of both versions into a real TSDB head,
// commit included: the per-tick cost the harness pays.
func BenchmarkEmitTSDB(b *testing.B) {
	db, err := tsdb.Open(b.TempDir(), nil, nil, tsdb.DefaultOptions(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	m := metrics.NewModel(testCanary(), "1m", nil)
	canary, _ := NewGenerator("istio", m, Canary, "Deployment")
	primary, _ := NewGenerator("istio", m, Primary, "Deployment")
	iv := Interval{Requests: 100, Errors: 1, Latency: Latency{P50: 20 * time.Millisecond, P99: 200 * time.Millisecond}}
	var at int64
	for b.Loop() {
		at += 10000
		app := db.Appender(context.Background())
		for _, g := range []*Generator{canary, primary} {
			if err := g.Emit(tsdbAppender{app}, at, iv); err != nil {
				b.Fatal(err)
			}
		}
		if err := app.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
