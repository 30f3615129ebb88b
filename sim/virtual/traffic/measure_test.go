// This file tests the provider stand-ins' measures over generated traffic.

package traffic

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// serveQueries answers /api/v1/query from the store, with a vector in the
// shape of Prometheus' API.
func (s *store) serveQueries(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sec, err := strconv.ParseFloat(r.URL.Query().Get("time"), 64)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		v, err := s.eval(r.URL.Query().Get("query"), time.Duration(math.Round(sec*1000))*time.Millisecond)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		result := []any{}
		if !math.IsNaN(v) {
			result = append(result, map[string]any{"metric": map[string]string{}, "value": []any{sec, strconv.FormatFloat(v, 'f', -1, 64)}})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "vector", "result": result}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestMeasureOverGeneratedTraffic runs the whole path: generated samples, a
// PromQL engine behind an HTTP API, and metrics.Source asking at a virtual
// time, for a kubernetes-provider canary (seconds histogram).
func TestMeasureOverGeneratedTraffic(t *testing.T) {
	cd := testCanary()
	cd.Spec.Analysis = &v1beta1.CanaryAnalysis{}
	model := metrics.NewModel(cd, "1m", nil)
	s := newStore(t)
	canary := mustGenerator(t, "kubernetes", model, Canary, "Deployment")
	primary := mustGenerator(t, "kubernetes", model, Primary, "Deployment")
	iv := Interval{Requests: 40, Errors: 0.4, Latency: Latency{P50: 60 * time.Millisecond, P99: 612 * time.Millisecond}}
	s.run(t, map[*Generator]Interval{canary: iv, primary: primaryTraffic}, 5*time.Second, 3*time.Minute)
	src := &metrics.Source{Provider: "kubernetes", MetricsServer: s.serveQueries(t).URL}
	at := time.UnixMilli((3 * time.Minute).Milliseconds())
	tests := []struct {
		metric string
		kind   metrics.Kind
		want   float64
	}{
		{metrics.MetricSuccessRate, metrics.KindSuccessRate, 99},
		{metrics.MetricDuration, metrics.KindDuration, 612},
	}
	for _, tt := range tests {
		got, err := src.Measure(context.Background(), cd, v1beta1.CanaryMetric{Name: tt.metric}, tt.kind, at)
		if err != nil || math.Abs(got.Value-tt.want) > 1e-9 {
			t.Errorf("%s = %v, %v; want %v", tt.metric, got.Value, err, tt.want)
		}
	}
	// Before any traffic the same query finds nothing.
	_, err := src.Measure(context.Background(), cd, v1beta1.CanaryMetric{Name: metrics.MetricSuccessRate},
		metrics.KindSuccessRate, time.UnixMilli(-time.Hour.Milliseconds()))
	if !errors.Is(err, metrics.ErrNoValuesFound) {
		t.Fatalf("a query before any sample: %v, want no values found", err)
	}
}
