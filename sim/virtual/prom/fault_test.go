// This file tests the injectable faults and that Reset heals them.

package prom

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestFault(t *testing.T) {
	const healthy = `{"status":"success","data":{"resultType":"scalar","result":[1704067200,"1"]}}`
	tests := []struct {
		name   string
		fault  Fault
		status int
		body   string
	}{
		{"zero value is healthy", Fault{}, 200, healthy},
		{"delay alone still answers", Fault{Delay: time.Millisecond}, 200, healthy},
		{"status without body: a Prometheus-shaped error", Fault{Status: 503}, 503,
			`{"status":"error","errorType":"timeout","error":"injected fault: HTTP 503"}`},
		{"status 422", Fault{Status: 422}, 422,
			`{"status":"error","errorType":"execution","error":"injected fault: HTTP 422"}`},
		{"status with a body", Fault{Status: 502, Body: "<html>bad gateway</html>"}, 502, "<html>bad gateway</html>"},
	}
	s := newTestServer(t, Options{}, t0)
	h := s.Handler()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetFault(tt.fault)
			got := get(t, h, queryURL("/api/v1/query", "1"))
			if got.status != tt.status || got.body != tt.body {
				t.Errorf("got %d %s, want %d %s", got.status, got.body, tt.status, tt.body)
			}
		})
	}
	s.SetFault(Fault{})
	if got := get(t, h, queryURL("/api/v1/query", "1")); got.body != healthy {
		t.Errorf("after healing: %s", got.body)
	}
}

// A delayed request whose client has gone is dropped unanswered.
func TestFaultDelayEndsWithTheClient(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	s.SetFault(Fault{Delay: time.Hour, Status: 500})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/query?query=1", nil))
	if rec.Body.Len() != 0 || rec.Code != http.StatusOK { // the recorder's default: nothing was written
		t.Errorf("got %d %q, want nothing written", rec.Code, rec.Body.String())
	}
}

func TestErrorTypeOf(t *testing.T) {
	tests := map[int]string{400: "bad_data", 422: "execution", 499: "canceled", 503: "timeout", 500: "internal", 502: "internal"}
	for status, want := range tests {
		e := &apiError{typ: errorTypeOf(status)}
		if e.typ != want {
			t.Errorf("errorTypeOf(%d) = %s, want %s", status, e.typ, want)
		}
		if status != 502 && e.status() != status {
			t.Errorf("status of %s = %d, want %d (round trip)", e.typ, e.status(), status)
		}
	}
}

func TestResetHealsFaults(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	s.SetFault(Fault{Status: 500})
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if got := get(t, s.Handler(), queryURL("/api/v1/query", "1")); got.status != 200 {
		t.Errorf("after Reset: %d %s, want 200", got.status, got.body)
	}
}
