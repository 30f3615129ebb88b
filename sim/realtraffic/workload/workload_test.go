// This file tests a workload: it exports the modelled traffic's series,
// status labels per provider, ambiguous series refused, its endpoints,
// error rate and latency draws, and requests cut short when it closes.

package workload

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/scrape"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

var allProviders = []string{"kubernetes", "gatewayapi:v1", "istio", "linkerd", "nginx", "contour", "gloo", "kuma",
	"osm", "apisix", "appmesh", "knative", "skipper", "traefik"}

func testCanary() *v1beta1.Canary {
	cd := &v1beta1.Canary{}
	cd.Name, cd.Namespace = "podinfo", "test-ns"
	cd.Spec.TargetRef = v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"}
	cd.Spec.Service.Name = "podinfo-svc"
	cd.Spec.IngressRef = &v1beta1.LocalObjectReference{Name: "podinfo.ing"}
	cd.Spec.RouteRef = &v1beta1.LocalObjectReference{Name: "podinfo-route"}
	return cd
}

func series(t *testing.T, provider string, role traffic.Role) []labels.Labels {
	t.Helper()
	g, err := traffic.NewGenerator(provider, metrics.NewModel(testCanary(), "1m", nil), role, "Deployment")
	if err != nil {
		t.Fatal(err)
	}
	return g.Series()
}

func sortedStrings(ls []labels.Labels) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.String()
	}
	sort.Strings(out)
	return out
}

// TestExportsTheGeneratorsSeries: before any request, a workload exports
// exactly the series the modelled traffic writes for its provider and role,
// the ones Flagger's builtin queries select.
func TestExportsTheGeneratorsSeries(t *testing.T) {
	for _, p := range allProviders {
		for _, role := range []traffic.Role{traffic.Primary, traffic.Canary} {
			want := series(t, p, role)
			in, err := newInstruments(want)
			if err != nil {
				t.Fatalf("%s %s: %v", p, role, err)
			}
			fams, err := in.reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			var got []labels.Labels
			for _, s := range scrape.Samples(fams) {
				got = append(got, s.Labels)
			}
			if g, w := sortedStrings(got), sortedStrings(want); !slices.Equal(g, w) {
				t.Errorf("%s %s: exported\n%s\nwant\n%s", p, role, strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
		}
	}
}

func TestStatusLabelValues(t *testing.T) {
	tests := []struct {
		provider string
		code     int
		metric   string
		want     string // the status label's value
	}{
		{"istio", 404, "istio_requests_total", `response_code="404"`},
		{"istio", 503, "istio_requests_total", `response_code="503"`},
		{"linkerd", 404, "response_total", `classification="success"`},
		{"linkerd", 503, "response_total", `classification="failure"`},
		{"kubernetes", 502, "http_request_duration_seconds_count", `status="502"`},
	}
	for _, tt := range tests {
		in, err := newInstruments(series(t, tt.provider, traffic.Canary))
		if err != nil {
			t.Fatal(err)
		}
		in.record(tt.code, 3*time.Millisecond)
		if got := valueOf(t, in, tt.metric, tt.want); got != 1 {
			t.Errorf("%s, code %d: %s{%s} = %v, want 1", tt.provider, tt.code, tt.metric, tt.want, got)
		}
	}
}

// valueOf sums the samples of metric whose labels contain the pair.
func valueOf(t *testing.T, in *instruments, metric, pair string) float64 {
	t.Helper()
	fams, err := in.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, s := range scrape.Samples(fams) {
		if s.Labels.Get(labels.MetricName) == metric && strings.Contains(s.Labels.String(), pair) {
			sum += s.Value
		}
	}
	return sum
}

func TestFamiliesRefuseAmbiguousSeries(t *testing.T) {
	two := []labels.Labels{
		labels.FromStrings("__name__", "x_total", "a", "1", "b", "1"),
		labels.FromStrings("__name__", "x_total", "a", "2", "b", "2"),
	}
	if _, err := newInstruments(two); err == nil || !strings.Contains(err.Error(), "more than one label") {
		t.Errorf("series differing in two labels: err = %v, want one naming the ambiguity", err)
	}
	bad := []labels.Labels{labels.FromStrings("__name__", "h_bucket", "le", "fast")}
	if _, err := newInstruments(bad); err == nil || !strings.Contains(err.Error(), "not a number") {
		t.Errorf("a bucket bound that is not a number: err = %v", err)
	}
}

func newServer(t *testing.T, b Behaviour) *Server {
	t.Helper()
	s, err := New(Config{Name: "podinfo", Series: series(t, "istio", traffic.Canary), Seed: 1,
		Behaviour: func() Behaviour { return b }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEndpoints(t *testing.T) {
	up := Behaviour{Serving: true, SuccessRate: 100}
	tests := []struct {
		name     string
		b        Behaviour
		path     string
		want     int
		recorded int64 // requests counted (and exported)
	}{
		{"app traffic", up, "/", 200, 1},
		{"any path is app traffic", up, "/api/info", 200, 1},
		{"failing version", Behaviour{Serving: true, SuccessRate: 0}, "/", 500, 1},
		{"not ready: unrecorded 503", Behaviour{}, "/", 503, 0},
		{"status asked for", up, "/status/404", 404, 1},
		{"status that is no status", up, "/status/abc", 400, 1},
		{"delay", up, "/delay/0.001", 200, 1},
		{"negative delay", up, "/delay/-1", 400, 1},
		{"healthz is not traffic", Behaviour{}, "/healthz", 200, 0},
		{"readyz when ready", up, "/readyz", 200, 0},
		{"readyz when not", Behaviour{}, "/readyz", 503, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.b)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != tt.want {
				t.Errorf("GET %s = %d, want %d", tt.path, rec.Code, tt.want)
			}
			if got := s.Served().Requests; got != tt.recorded {
				t.Errorf("GET %s counted %d requests, want %d", tt.path, got, tt.recorded)
			}
			if got := valueOf(t, s.in, "istio_request_duration_milliseconds_count", ""); got != float64(tt.recorded) {
				t.Errorf("GET %s exported a count of %v, want %d", tt.path, got, tt.recorded)
			}
		})
	}
}

// TestErrorRate: with a fixed seed, the share of 500s is the success rate's
// complement to within sampling noise.
func TestErrorRate(t *testing.T) {
	s := newServer(t, Behaviour{Serving: true, SuccessRate: 85})
	const n = 4000
	for range n {
		s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}
	got := s.Served()
	rate := float64(got.Errors) / n * 100
	if got.Requests != n || math.Abs(rate-15) > 2 {
		t.Errorf("served %d with %d errors (%.1f%%), want %d with about 15%%", got.Requests, got.Errors, rate, n)
	}
}

// TestLatencyDraws: the draws follow the log-normal fitted to P50 and P99.
func TestLatencyDraws(t *testing.T) {
	tests := []struct{ p50, p99 time.Duration }{
		{10 * time.Millisecond, 50 * time.Millisecond},
		{300 * time.Millisecond, 800 * time.Millisecond},
		{20 * time.Millisecond, 20 * time.Millisecond},
	}
	for _, tt := range tests {
		d := newDice(7)
		draws := make([]time.Duration, 20001)
		for i := range draws {
			draws[i] = d.latency(tt.p50, tt.p99)
		}
		slices.Sort(draws)
		p50, p99 := draws[len(draws)/2], draws[len(draws)*99/100]
		if rel(p50, tt.p50) > 0.03 || rel(p99, tt.p99) > 0.05 {
			t.Errorf("P50 %v P99 %v drawn, want %v and %v", p50, p99, tt.p50, tt.p99)
		}
	}
	if got := newDice(1).latency(0, time.Second); got != 0 {
		t.Errorf("a zero median draws %v, want 0", got)
	}
}

func rel(got, want time.Duration) float64 { return math.Abs(float64(got-want)) / float64(want) }

// TestCloseCutsRequestsShort: a request sleeping in /delay ends when the
// server closes, and is not recorded (the test would hang otherwise).
func TestCloseCutsRequestsShort(t *testing.T) {
	s, err := Start(Config{Name: "podinfo", Series: series(t, "istio", traffic.Canary),
		Behaviour: func() Behaviour { return Behaviour{Serving: true, SuccessRate: 100} }})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		resp, err := http.Get(s.URL() + "/delay/25")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
		done <- err
	}()
	for s.active.Load() == 0 { // a request is being answered
		time.Sleep(time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	<-done
	if n := s.Served().Requests; n != 0 {
		t.Errorf("a request cut short was counted (%d)", n)
	}
}
