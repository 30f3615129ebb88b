// This file tests the synthesis of a Canary's own series.

package traffic

import (
	"math"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// badCanary fails half of its requests and answers slowly; the primary's
// traffic (primaryTraffic) differs in every respect, so a query that read
// it would be caught.
var badCanary = Interval{Requests: 10, Errors: 5, Latency: Latency{P50: time.Second, P99: 2 * time.Second}}

// synthWorld writes the builtin series of provider and the series the
// queries need, for both versions, for five minutes.
func synthWorld(t *testing.T, provider string, queries ...string) (*store, Synthesis) {
	t.Helper()
	m := metrics.NewModel(testCanary(), "1m", nil)
	gens := map[*Generator]Interval{}
	var builtin []labels.Labels
	var roles [2]*Generator
	for _, role := range []Role{Primary, Canary} {
		g, err := NewGenerator(provider, m, role, "Deployment")
		if err != nil {
			t.Fatal(err)
		}
		roles[role] = g
		builtin = append(builtin, g.Series()...)
	}
	var qs []Query
	for i, q := range queries {
		qs = append(qs, Query{Metric: string(rune('a' + i)), PromQL: q})
	}
	syn := Synthesize(qs, m, "Deployment", Sources{Builtin: builtin})
	for _, g := range roles {
		g.AddPlans(syn.Plans)
	}
	gens[roles[Primary]], gens[roles[Canary]] = primaryTraffic, badCanary
	s := newStore(t)
	s.run(t, gens, 5*time.Second, 5*time.Minute)
	return s, syn
}

// TestSynthesizedSeriesFollowTheTraffic: the user's own queries, over
// series the provider does not export, read the canary's errors and
// latency, so a bad or slow release makes them go bad as it makes the
// builtin ones.
func TestSynthesizedSeriesFollowTheTraffic(t *testing.T) {
	const ns = "test-ns"
	cases := []struct {
		name, provider, query string
		want                  float64
	}{
		{"linkerd success rate under gatewayapi", "gatewayapi:v1",
			`sum(rate(response_total{namespace="` + ns + `",deployment=~"podinfo",classification!="failure",direction="inbound"}[1m])) / sum(rate(response_total{namespace="` + ns + `",deployment=~"podinfo",direction="inbound"}[1m])) * 100`, 50},
		{"linkerd latency under gatewayapi", "gatewayapi:v1",
			`histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{namespace="` + ns + `",deployment=~"podinfo",direction="inbound"}[1m])) by (le))`, 2000},
		{"istio latency in seconds under gatewayapi", "gatewayapi:v1",
			`histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="source",destination_workload=~"podinfo"}[1m])) by (le)) / 1000`, 2},
		{"istio error rate under gatewayapi", "gatewayapi:v1",
			`100 - sum(rate(istio_requests_total{reporter="source",destination_workload=~"podinfo",response_code!~"5.*"}[1m])) / sum(rate(istio_requests_total{reporter="source",destination_workload=~"podinfo"}[1m])) * 100`, 50},
		{"podinfo's counter by job", "kubernetes",
			`sum(rate(http_requests_total{namespace="` + ns + `",job="podinfo-svc-canary",status!~"5.."}[30s])) / sum(rate(http_requests_total{namespace="` + ns + `",job="podinfo-svc-canary"}[30s])) * 100`, 50},
		{"podinfo's histogram by pod, beside the builtin one", "kubernetes",
			`histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{namespace="` + ns + `",pod=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) by (le))`, 2},
		{"app counters", "istio",
			`sum(rate(myapp_errors_total{app="podinfo"}[1m])) / sum(rate(myapp_requests_total{app="podinfo"}[1m])) * 100`, 50},
		{"errors as not 2xx", "istio",
			`sum(rate(http_requests_total{app="podinfo",code!~"2.."}[1m])) / sum(rate(http_requests_total{app="podinfo"}[1m]))`, 0.5},
		{"mean latency", "istio",
			`sum(rate(http_request_duration_seconds_sum{app="podinfo"}[1m])) / sum(rate(http_request_duration_seconds_count{app="podinfo"}[1m]))`,
			lognormalMean(1, 2)},
		{"a latency gauge", "istio", `max(myapp_latency_p99_ms{app="podinfo"})`, 2000},
		{"a median gauge", "istio", `max(myapp_latency_p50_ms{app="podinfo"})`, 1000},
		{"the primary's own", "istio",
			`sum(rate(myapp_errors_total{app="podinfo-primary"}[1m])) / sum(rate(myapp_requests_total{app="podinfo-primary"}[1m])) * 100`, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, syn := synthWorld(t, c.provider, c.query)
			if len(syn.Unmapped) > 0 || len(syn.Misspelt) > 0 {
				t.Fatalf("unmapped %v, misspelt %v", syn.Unmapped, syn.Misspelt)
			}
			got := s.query(t, c.query, 5*time.Minute)
			if math.Abs(got-c.want) > 1e-6*math.Max(1, c.want) {
				t.Errorf("%s = %v, want %v", c.query, got, c.want)
			}
		})
	}
}

// TestSynthesisLeavesBuiltinSeriesAlone: a template over the provider's
// own series adds no series, and its value is the builtin one's.
func TestSynthesisLeavesBuiltinSeriesAlone(t *testing.T) {
	q := `sum(rate(istio_requests_total{reporter="destination",destination_workload="podinfo",response_code!~"5.*"}[1m])) / sum(rate(istio_requests_total{reporter="destination",destination_workload="podinfo"}[1m])) * 100`
	s, syn := synthWorld(t, "istio", q)
	if len(syn.Plans) != 0 {
		t.Errorf("plans for builtin series: %v", syn.Plans)
	}
	if got := s.query(t, q, 5*time.Minute); math.Abs(got-50) > 1e-9 {
		t.Errorf("success rate %v, want 50", got)
	}
}

// TestAddPlansWritesASeriesOnce: a plan naming a builtin series, and two
// plans naming the same one, add nothing twice.
func TestAddPlansWritesASeriesOnce(t *testing.T) {
	m := metrics.NewModel(testCanary(), "1m", nil)
	g, err := NewGenerator("istio", m, Canary, "Deployment")
	if err != nil {
		t.Fatal(err)
	}
	before := len(g.Series())
	builtin := Plan{Role: Canary, Kind: Counter, Name: "istio_requests_total", Status: "response_code", OK: "200", Failed: "500",
		Labels: labels.FromStrings("reporter", "destination", "destination_workload_namespace", "test-ns", "destination_workload", "podinfo")}
	g.AddPlans([]Plan{builtin, builtin, {Role: Primary, Kind: Counter, Name: "other_total"}})
	if after := len(g.Series()); after != before {
		t.Errorf("series %d after adding the builtin one and the primary's, want %d", after, before)
	}
	extra := Plan{Role: Canary, Kind: Histogram, Name: "app_latency_seconds", Seconds: true, Labels: labels.FromStrings("app", "podinfo")}
	g.AddPlans([]Plan{extra, extra})
	if after := len(g.Series()); after != before+nBuckets+3 {
		t.Errorf("series %d after adding one histogram twice, want %d", after, before+nBuckets+3)
	}
}

// TestSynthesizeSaysWhatItCannotProduce: an unmappable metric is named
// once, in the words every report uses; a typo of a builtin series and a
// series the scenario gives are left alone.
func TestSynthesizeSaysWhatItCannotProduce(t *testing.T) {
	m := metrics.NewModel(testCanary(), "1m", nil)
	g, _ := NewGenerator("istio", m, Canary, "Deployment")
	given := func(name string) bool { return name == "orders_pending" }
	syn := Synthesize([]Query{
		{Metric: "queue", PromQL: `max(queue_depth{app="podinfo"}) + max(queue_depth{app="podinfo"})`},
		{Metric: "typo", PromQL: `sum(rate(istio_request_total{destination_workload="podinfo"}[1m]))`},
		{Metric: "given", PromQL: `max(orders_pending{app="podinfo"})`},
	}, m, "Deployment", Sources{Builtin: g.Series(), Given: given})
	if len(syn.Unmapped) != 1 || syn.Unmapped[0].Metric != "queue" {
		t.Fatalf("unmapped %+v, want the queue metric once", syn.Unmapped)
	}
	want := "cannot produce series `queue_depth{app=\"podinfo\"}` for metric `queue` (a gauge that is not a latency, which rehearse cannot derive from requests, errors and latency); give it in the scenario (`series:`) or leave it out"
	if got := syn.Unmapped[0].Message(); got != want {
		t.Errorf("message:\n%s\nwant:\n%s", got, want)
	}
	if len(syn.Misspelt) != 1 || syn.Misspelt[0].Meant != "istio_requests_total" {
		t.Errorf("misspelt %+v, want istio_request_total taken for istio_requests_total", syn.Misspelt)
	}
	if len(syn.Plans) != 0 {
		t.Errorf("plans %v, want none", syn.Plans)
	}
}

func TestReadsOf(t *testing.T) {
	cases := []struct {
		query           string
		errors, latency bool
	}{
		{`sum(rate(istio_requests_total{response_code!~"5.*"}[1m])) / sum(rate(istio_requests_total[1m]))`, true, false},
		{`sum(rate(istio_requests_total{response_code!="404"}[1m]))`, false, false},
		{`sum(rate(myapp_errors_total[1m]))`, true, false},
		{`sum(rate(myapp_requests_total[1m]))`, false, false},
		{`histogram_quantile(0.99, sum(rate(x_duration_seconds_bucket[1m])) by (le))`, false, true},
		{`max(queue_depth)`, false, false},
		{`not promql (`, false, false},
	}
	for _, c := range cases {
		r := ReadsOf(c.query)
		if r.Errors != c.errors || r.Latency != c.latency {
			t.Errorf("ReadsOf(%s) = %+v, want errors %v latency %v", c.query, r, c.errors, c.latency)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "abc", 0}, {"istio_request_total", "istio_requests_total", 1}, {"kitten", "sitting", 3}, {"", "ab", 2}}
	for _, c := range cases {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
