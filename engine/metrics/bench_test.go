// This file benchmarks the measuring path sweeps run thousands of times a second: building and
// keying builtin queries, rendering (cached or not), decoding a vector, a whole measurement.

package metrics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// The measuring path runs thousands of times a second in sweeps. Run with:
// go test ./engine/metrics -run '^$' -bench . -benchmem

func BenchmarkBuiltinQuery(b *testing.B) {
	m := testModel()
	for b.Loop() {
		if _, err := BuiltinQuery("istio", MetricSuccessRate, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuiltinKey is the cost of only building a cache key for a
// builtin query: a cache would have to beat BenchmarkBuiltinQuery by more.
func BenchmarkBuiltinKey(b *testing.B) {
	m := testModel()
	var buf [512]byte
	for b.Loop() {
		k := appendModelKey(append(append(buf[:0], "istio"...), 0), m)
		_ = k
	}
}

func BenchmarkRender(b *testing.B) {
	m := testModel()
	q := `sum(rate(errors_total{ns="{{ namespace }}",c="{{ variables.cluster }}"}[{{ interval }}]))`
	for b.Loop() {
		if _, err := Render(q, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderCached(b *testing.B) {
	m := testModel()
	q := `sum(rate(errors_total{ns="{{ namespace }}",c="{{ variables.cluster }}"}[{{ interval }}]))`
	var s Source
	for b.Loop() {
		if _, err := s.render(q, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeVector(b *testing.B) {
	body := []byte(vectorBody("99.5"))
	for b.Loop() {
		if _, err := decodeValue(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMeasure is one whole builtin measurement over loopback HTTP.
func BenchmarkMeasure(b *testing.B) {
	body := []byte(vectorBody("99.5"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) }))
	defer srv.Close()
	src := &Source{Provider: "istio", MetricsServer: srv.URL}
	cd := testCanary("")
	m := v1beta1.CanaryMetric{Name: MetricSuccessRate}
	for b.Loop() {
		if _, err := src.Measure(context.Background(), cd, m, KindSuccessRate, at); err != nil {
			b.Fatal(err)
		}
	}
}
