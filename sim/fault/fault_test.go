// This file tests the fault plan and its Prometheus transport: what is in
// force when, and what the engine's client sees.

package fault

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestNilPlanHasNoFaults(t *testing.T) {
	var p *Plan
	if New(nil, 1, epoch) != nil {
		t.Error("a scenario without faults got a plan")
	}
	if p.RestartDue(epoch.Add(time.Hour)) || p.StaleCanary() || len(p.Notes()) != 0 {
		t.Error("a nil plan put something in force")
	}
	if _, ok := p.Workload(nil, "podinfo", epoch, time.Minute); ok {
		t.Error("a nil plan forced a workload's readiness")
	}
}

func TestRestartFiresOnceWhenDue(t *testing.T) {
	p := New([]scenarios.Fault{{Target: scenarios.FaultEngine, Kind: "restart", At: 5 * time.Minute}}, 1, epoch)
	tests := []struct {
		at   time.Duration
		want bool
	}{{4 * time.Minute, false}, {5 * time.Minute, true}, {6 * time.Minute, false}}
	for _, tt := range tests {
		if got := p.RestartDue(epoch.Add(tt.at)); got != tt.want {
			t.Errorf("RestartDue at %s = %v, want %v", tt.at, got, tt.want)
		}
	}
	if n := p.Notes(); len(n) != 1 || !strings.HasPrefix(n[0], "fault engine restart") {
		t.Errorf("notes %q, want the restart's", n)
	}
}

type server struct{ f prom.Fault }

func (s *server) SetFault(f prom.Fault) { s.f = f }

type answer struct{}

func (answer) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}"))}, nil
}

// TestPrometheusTransport: while Prometheus is down a query is refused,
// while it is slow it times out as the provider's client says, at once,
// and outside the fault's window it is answered.
func TestPrometheusTransport(t *testing.T) {
	tests := []struct {
		kind string
		want string // in the client's error; "" for an answer
	}{
		{"down", "dial tcp: connection refused"},
		{"slow", "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"},
		{"status", ""}, // the server answers the status
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			p := New([]scenarios.Fault{{Target: scenarios.FaultPrometheus, Kind: tt.kind, Status: 503, At: time.Minute,
				For: time.Minute, Probability: 1}}, 1, epoch)
			srv := &server{}
			pr := Prometheus{Plan: p, Server: srv, Timeout: 50 * time.Millisecond}
			c := &http.Client{Transport: pr.Transport(answer{})}
			for _, at := range []time.Duration{90 * time.Second, 3 * time.Minute} {
				pr.Tick(epoch.Add(at))
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://prom/api/v1/query", nil)
				resp, err := c.Do(req)
				if resp != nil {
					resp.Body.Close()
				}
				in := at < 2*time.Minute
				switch {
				case in && tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
					t.Errorf("at %s: err %v, want %q", at, err, tt.want)
				case (!in || tt.want == "") && err != nil:
					t.Errorf("at %s: err %v, want an answer", at, err)
				case !in && srv.f != (prom.Fault{}):
					t.Errorf("at %s: the server still has fault %+v", at, srv.f)
				}
			}
			if tt.kind == "slow" {
				var timeout interface{ Timeout() bool }
				if err := (timedOut{}); !errors.As(error(err), &timeout) || !errors.Is(err, context.DeadlineExceeded) {
					t.Error("the slow answer is not a timeout")
				}
			}
		})
	}
}
