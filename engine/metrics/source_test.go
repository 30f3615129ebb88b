// This file tests Measure against a routed fake Prometheus: builtin, inline, template and unusable
// metrics, no values, the Knative route, client reuse, availability and concurrent use.

package metrics

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// routedProm answers a query with the value of the first rule whose
// substring it contains, and an empty vector otherwise.
type routedProm struct {
	srv   *httptest.Server
	mu    sync.Mutex
	rules [][2]string
	seen  []request
}

func newRoutedProm(t *testing.T, rules ...[2]string) *routedProm {
	t.Helper()
	p := &routedProm{rules: rules}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *routedProm) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("query")
	p.mu.Lock()
	p.seen = append(p.seen, request{path: r.URL.Path, query: q, time: r.URL.Query().Get("time"), auth: r.Header.Get("Authorization")})
	p.mu.Unlock()
	for _, rule := range p.rules {
		if strings.Contains(q, rule[0]) {
			_, _ = w.Write([]byte(vectorBody(rule[1])))
			return
		}
	}
	_, _ = w.Write([]byte(vectorBody()))
}

func (p *routedProm) last() request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[len(p.seen)-1]
}

func testCanary(provider string) *v1beta1.Canary {
	cd := &v1beta1.Canary{}
	cd.Name, cd.Namespace = "podinfo", "test"
	cd.Spec.Provider = provider
	cd.Spec.TargetRef = v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"}
	cd.Spec.Analysis = &v1beta1.CanaryAnalysis{}
	return cd
}

func TestMeasureBuiltin(t *testing.T) {
	prom := newRoutedProm(t,
		[2]string{"istio_requests_total", "99.25"},
		[2]string{"istio_request_duration_milliseconds_bucket", "487.9"},
		[2]string{"http_request_duration_seconds_bucket", "0.4879"},
		[2]string{"http_request_duration_seconds_count", "100"},
	)
	src := &Source{Provider: "kubernetes", MetricsServer: prom.srv.URL}
	tests := []struct {
		name, provider, metric, interval, inQuery string
		kind                                      Kind
		want                                      float64
	}{
		{"istio success rate", "istio", MetricSuccessRate, "", "[1m]", KindSuccessRate, 99.25},
		{"istio duration truncates ms", "istio", MetricDuration, "30s", "[30s]", KindDuration, 487},
		{"default provider seconds to ms", "", MetricDuration, "", "http_request_duration_seconds_bucket", KindDuration, 487},
		{"default provider success rate", "", MetricSuccessRate, "", `status!~"5.*"`, KindSuccessRate, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := v1beta1.CanaryMetric{Name: tt.metric, Interval: tt.interval}
			got, err := src.Measure(context.Background(), testCanary(tt.provider), m, tt.kind, at)
			if err != nil || got.Value != tt.want {
				t.Fatalf("Measure() = %+v, %v; want %v", got, err, tt.want)
			}
			seen := prom.last()
			if !strings.Contains(seen.query, tt.inQuery) || seen.time != atParam || got.Query != seen.query {
				t.Fatalf("query %q at %s (reported %q), want it to contain %s at %s", seen.query, seen.time, got.Query, tt.inQuery, atParam)
			}
		})
	}
}

func TestMeasureNoValues(t *testing.T) {
	prom := newRoutedProm(t)
	src := &Source{Provider: "kubernetes", MetricsServer: prom.srv.URL}
	for _, kind := range []Kind{KindSuccessRate, KindDuration} {
		m := v1beta1.CanaryMetric{Name: MetricSuccessRate}
		if kind == KindDuration {
			m.Name = MetricDuration
		}
		got, err := src.Measure(context.Background(), testCanary("linkerd"), m, kind, at)
		if !errors.Is(err, ErrNoValuesFound) || !strings.Contains(err.Error(), "not receiving traffic") {
			t.Fatalf("%s: error = %v, want no values found with Flagger's hint", kind, err)
		}
		if !strings.Contains(got.Query, "response_") {
			t.Fatalf("%s: a failed measurement must still report its query, got %q", kind, got.Query)
		}
	}
}

func TestMeasureMetricsServerOverride(t *testing.T) {
	def := newRoutedProm(t, [2]string{"istio", "1"})
	own := newRoutedProm(t, [2]string{"istio", "2"})
	src := &Source{Provider: "istio", MetricsServer: def.srv.URL}
	cd := testCanary("")
	cd.Spec.MetricsServer = own.srv.URL
	got, err := src.Measure(context.Background(), cd, v1beta1.CanaryMetric{Name: MetricSuccessRate}, KindSuccessRate, at)
	if err != nil || got.Value != 2 {
		t.Fatalf("Measure() = %v, %v; want the Canary's own server's 2", got.Value, err)
	}
}

func TestMeasureWithoutMetricsServer(t *testing.T) {
	src := &Source{Provider: "istio"}
	_, err := src.Measure(context.Background(), testCanary(""), v1beta1.CanaryMetric{Name: MetricSuccessRate}, KindSuccessRate, at)
	if err == nil || !strings.Contains(err.Error(), "spec.metricsServer") {
		t.Fatalf("Measure() error = %v, want advice about spec.metricsServer", err)
	}
}

func TestMeasureInline(t *testing.T) {
	prom := newRoutedProm(t, [2]string{"errors_total", "3.5"})
	src := &Source{Provider: "istio", MetricsServer: prom.srv.URL}
	tests := []struct {
		name, query, wantQuery, wantErr string
		want                            float64
	}{
		{name: "rendered with the default interval", query: `sum(rate(errors_total{ns="{{ namespace }}"}[{{ interval }}]))`,
			wantQuery: `sum(rate(errors_total{ns="test"}[1m]))`, want: 3.5},
		{name: "render error names the key", query: `errors_total{x="{{ variables.zone }}"}`, wantErr: `"zone"`},
		{name: "no data", query: `nothing_here`, wantErr: ErrNoValuesFound.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := v1beta1.CanaryMetric{Name: "errors", Query: tt.query}
			got, err := src.Measure(context.Background(), testCanary(""), m, KindInlineQuery, at)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Measure() error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Value != tt.want || got.Query != tt.wantQuery {
				t.Fatalf("Measure() = %+v, %v; want %v from %s", got, err, tt.want, tt.wantQuery)
			}
		})
	}
}

// world is a tiny store of templates and secrets.
type world struct {
	templates map[string]*v1beta1.MetricTemplate
	secrets   map[string]map[string][]byte
}

func (w world) template(ns, name string) (*v1beta1.MetricTemplate, error) {
	if t, ok := w.templates[ns+"/"+name]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("metrictemplates %q not found", name)
}

func (w world) secret(ns, name string) (map[string][]byte, error) {
	if s, ok := w.secrets[ns+"/"+name]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("secrets %q not found", name)
}

func metricTemplate(ns, name, typ, address, query, secret string) *v1beta1.MetricTemplate {
	t := &v1beta1.MetricTemplate{}
	t.Namespace, t.Name = ns, name
	t.Spec.Provider = v1beta1.MetricTemplateProvider{Type: typ, Address: address}
	if secret != "" {
		t.Spec.Provider.SecretRef = &corev1.LocalObjectReference{Name: secret}
	}
	t.Spec.Query = query
	return t
}

func TestMeasureTemplate(t *testing.T) {
	prom := newRoutedProm(t, [2]string{"latency", "250"}, [2]string{"error_ratio", "0.5"})
	w := world{templates: map[string]*v1beta1.MetricTemplate{
		"test/latency":       metricTemplate("test", "latency", "prometheus", prom.srv.URL, `latency{app="{{ target }}"}[{{ interval }}]`, ""),
		"shared/errors":      metricTemplate("shared", "errors", "", prom.srv.URL, `error_ratio{cluster="{{ variables.cluster }}"}`, "prom-auth"),
		"test/dd":            metricTemplate("test", "dd", "datadog", "https://api.datadoghq.com", `avg:x`, ""),
		"test/gcp":           metricTemplate("test", "gcp", "stackdriver", "", `fetch k8s_container`, ""),
		"test/no-address":    metricTemplate("test", "no-address", "prometheus", "", `up`, ""),
		"test/needs-secret":  metricTemplate("test", "needs-secret", "prometheus", prom.srv.URL, `up`, "missing"),
		"test/bad-secret":    metricTemplate("test", "bad-secret", "prometheus", prom.srv.URL, `up`, "no-user"),
		"test/nothing-found": metricTemplate("test", "nothing-found", "prometheus", prom.srv.URL, `absent_series`, ""),
	}, secrets: map[string]map[string][]byte{
		"shared/prom-auth": {"token": []byte("t0k3n")},
		"test/no-user":     {"password": []byte("p")},
	}}
	src := &Source{Provider: "istio", Templates: w.template, Secrets: w.secret}
	ref := func(ns, name string) *v1beta1.CrossNamespaceObjectReference {
		return &v1beta1.CrossNamespaceObjectReference{Namespace: ns, Name: name}
	}
	tests := []struct {
		name      string
		metric    v1beta1.CanaryMetric
		want      float64
		wantQuery string
		wantAuth  string
		wantErr   string
	}{
		{name: "namespace falls back to the canary's; interval as written",
			metric: v1beta1.CanaryMetric{Name: "lat", Interval: "2m", TemplateRef: ref("", "latency")},
			want:   250, wantQuery: `latency{app="podinfo"}[2m]`},
		{name: "unset interval renders empty, as in Flagger",
			metric: v1beta1.CanaryMetric{Name: "lat", TemplateRef: ref("", "latency")},
			want:   250, wantQuery: `latency{app="podinfo"}[]`},
		{name: "other namespace, empty type is prometheus, bearer from the secret",
			metric: v1beta1.CanaryMetric{Name: "err", TemplateRef: ref("shared", "errors"), TemplateVariables: map[string]string{"cluster": "eu"}},
			want:   0.5, wantQuery: `error_ratio{cluster="eu"}`, wantAuth: "Bearer t0k3n"},
		{name: "missing template", metric: v1beta1.CanaryMetric{Name: "x", TemplateRef: ref("", "nope")},
			wantErr: "metric template nope.test"},
		{name: "missing variable", metric: v1beta1.CanaryMetric{Name: "err", TemplateRef: ref("shared", "errors")},
			wantErr: `"cluster"`},
		{name: "datadog without its keys", metric: v1beta1.CanaryMetric{Name: "dd", Interval: "1m", TemplateRef: ref("", "dd")},
			wantErr: `metric template dd.test provider datadog: datadog needs a secretRef whose secret holds "datadog_api_key"`},
		{name: "refused provider", metric: v1beta1.CanaryMetric{Name: "gcp", TemplateRef: ref("", "gcp")},
			wantErr: `provider type stackdriver is supported by Flagger, but rehearse cannot rehearse it`},
		{name: "no address", metric: v1beta1.CanaryMetric{Name: "n", TemplateRef: ref("", "no-address")},
			wantErr: "is not an http(s) URL"},
		{name: "missing secret", metric: v1beta1.CanaryMetric{Name: "s", TemplateRef: ref("", "needs-secret")},
			wantErr: "secret missing"},
		{name: "secret without username", metric: v1beta1.CanaryMetric{Name: "s", TemplateRef: ref("", "bad-secret")},
			wantErr: `"username"`},
		{name: "no values", metric: v1beta1.CanaryMetric{Name: "n", TemplateRef: ref("", "nothing-found")},
			wantErr: ErrNoValuesFound.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := src.Measure(context.Background(), testCanary(""), tt.metric, KindTemplate, at)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Measure() error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Value != tt.want || got.Query != tt.wantQuery {
				t.Fatalf("Measure() = %+v, %v; want %v from %s", got, err, tt.want, tt.wantQuery)
			}
			if seen := prom.last(); seen.auth != tt.wantAuth || seen.query != tt.wantQuery {
				t.Fatalf("server saw %+v, want query %s with auth %q", seen, tt.wantQuery, tt.wantAuth)
			}
		})
	}
}

func TestMeasureTemplateWithoutLookups(t *testing.T) {
	src := &Source{}
	m := v1beta1.CanaryMetric{Name: "x", TemplateRef: &v1beta1.CrossNamespaceObjectReference{Name: "t"}}
	_, err := src.Measure(context.Background(), testCanary(""), m, KindTemplate, at)
	if err == nil || !strings.Contains(err.Error(), "no MetricTemplates") {
		t.Fatalf("Measure() error = %v", err)
	}
}

func TestMeasureUnusable(t *testing.T) {
	src := &Source{}
	_, err := src.Measure(context.Background(), testCanary(""), v1beta1.CanaryMetric{Name: "error-rate"}, KindUnusable, at)
	if err == nil || !strings.Contains(err.Error(), "templateRef") || !strings.Contains(err.Error(), `"error-rate"`) {
		t.Fatalf("Measure() error = %v, want advice naming the metric", err)
	}
}

func TestMeasureKnativeRoute(t *testing.T) {
	prom := newRoutedProm(t, [2]string{"test/podinfo-00002", "98"})
	src := &Source{Provider: "kubernetes", MetricsServer: prom.srv.URL,
		KnativeRevision: func(ns, name string) (string, error) { return name + "-00002", nil }}
	cd := testCanary("knative")
	cd.Spec.TargetRef = v1beta1.LocalObjectReference{APIVersion: "serving.knative.dev/v1", Kind: "Service", Name: "podinfo"}
	got, err := src.Measure(context.Background(), cd, v1beta1.CanaryMetric{Name: MetricSuccessRate}, KindSuccessRate, at)
	if err != nil || got.Value != 98 {
		t.Fatalf("Measure() = %+v, %v; want the latest revision's 98", got, err)
	}
	src.KnativeRevision = func(string, string) (string, error) { return "", errors.New("services.serving.knative.dev not found") }
	if _, err := src.Measure(context.Background(), cd, v1beta1.CanaryMetric{Name: MetricSuccessRate}, KindSuccessRate, at); err == nil {
		t.Fatal("a missing Knative service must fail the check, as in Flagger")
	}
}

func TestSourceReusesClients(t *testing.T) {
	src := &Source{}
	a, _ := src.prometheus(PrometheusConfig{Address: "http://p:9090"})
	b, _ := src.prometheus(PrometheusConfig{Address: "http://p:9090"})
	c, _ := src.prometheus(PrometheusConfig{Address: "http://p:9090", Credentials: map[string][]byte{"token": []byte("x")}})
	d, _ := src.prometheus(PrometheusConfig{Address: "http://p:9090", Credentials: map[string][]byte{"token": []byte("y")}})
	if a != b || a == c || c == d {
		t.Fatalf("client reuse: same address %v, new credentials %v, rotated token %v", a == b, a != c, c != d)
	}
}

func TestCheckAvailability(t *testing.T) {
	up := newRoutedProm(t, [2]string{"vector(1)", "1"})
	down := newRoutedProm(t)
	w := world{templates: map[string]*v1beta1.MetricTemplate{
		"test/ok":   metricTemplate("test", "ok", "prometheus", up.srv.URL, "up", ""),
		"test/down": metricTemplate("test", "down", "prometheus", down.srv.URL, "up", ""),
	}}
	tests := []struct {
		name    string
		server  string
		metrics []v1beta1.CanaryMetric
		wantErr string
	}{
		{"builtin on a live server", up.srv.URL, []v1beta1.CanaryMetric{{Name: MetricSuccessRate}}, ""},
		{"builtin on a dead server", down.srv.URL, []v1beta1.CanaryMetric{{Name: MetricDuration}}, "vector(1)"},
		{"template up", down.srv.URL, []v1beta1.CanaryMetric{{Name: "t", TemplateRef: &v1beta1.CrossNamespaceObjectReference{Name: "ok"}}}, ""},
		{"template down", up.srv.URL, []v1beta1.CanaryMetric{{Name: "t", TemplateRef: &v1beta1.CrossNamespaceObjectReference{Name: "down"}}}, `metric "t"`},
		{"template missing", up.srv.URL, []v1beta1.CanaryMetric{{Name: "t", TemplateRef: &v1beta1.CrossNamespaceObjectReference{Name: "gone"}}}, "gone.test"},
		{"inline queries are not checked", down.srv.URL, []v1beta1.CanaryMetric{{Name: "q", Query: "up"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &Source{Provider: "istio", MetricsServer: tt.server, Templates: w.template}
			cd := testCanary("")
			cd.Spec.Analysis.Metrics = tt.metrics
			err := src.CheckAvailability(context.Background(), cd, at)
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("CheckAvailability() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestSourceConcurrentUse measures from many goroutines; run with -race.
func TestSourceConcurrentUse(t *testing.T) {
	prom := newRoutedProm(t, [2]string{"istio_requests_total", "99"}, [2]string{"errs", "1"})
	w := world{templates: map[string]*v1beta1.MetricTemplate{
		"test/errs": metricTemplate("test", "errs", "prometheus", prom.srv.URL, `errs{ns="{{ namespace }}"}`, ""),
	}}
	src := &Source{Provider: "istio", MetricsServer: prom.srv.URL, Templates: w.template}
	metrics := []struct {
		m    v1beta1.CanaryMetric
		kind Kind
		want float64
	}{
		{v1beta1.CanaryMetric{Name: MetricSuccessRate}, KindSuccessRate, 99},
		{v1beta1.CanaryMetric{Name: "e", TemplateRef: &v1beta1.CrossNamespaceObjectReference{Name: "errs"}}, KindTemplate, 1},
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			mt := metrics[i%2]
			got, err := src.Measure(context.Background(), testCanary(""), mt.m, mt.kind, at)
			if err != nil || got.Value != mt.want {
				t.Errorf("Measure() = %v, %v; want %v", got.Value, err, mt.want)
			}
		})
	}
	wg.Wait()
}
