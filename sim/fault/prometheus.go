// This file is the Prometheus boundary: the synthetic server's answers
// under a fault (errors, malformed or empty results, delays) and the
// transport the engine queries it through (refused while Prometheus is
// down, timed out while it is slow).

package fault

import (
	"context"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
)

// Server is the synthetic Prometheus as faults reach it.
type Server interface{ SetFault(prom.Fault) }

// Prometheus applies the plan's Prometheus faults at both ends of the
// engine's queries.
type Prometheus struct {
	Plan    *Plan
	Server  Server        // the synthetic Prometheus
	Timeout time.Duration // the provider's query timeout, shrunk like the world's time
}

// Tick puts in force the Prometheus fault due at now, drawn once a tick,
// or heals.
func (p Prometheus) Tick(now time.Time) {
	if p.Plan == nil || p.Server == nil {
		return
	}
	f, ok := p.Plan.active(scenarios.FaultPrometheus, now, nil)
	p.Plan.mu.Lock()
	p.Plan.prom = ""
	if ok {
		p.Plan.prom = f.Kind
	}
	p.Plan.mu.Unlock()
	if !ok || f.Kind == "stale" {
		p.Server.SetFault(prom.Fault{})
		return
	}
	p.Server.SetFault(p.serverFault(f))
}

// StaleCanary says whether the canary's series have stopped this tick:
// the one Prometheus fault that is in the data, not on the wire.
func (p *Plan) StaleCanary() bool { return p.promKind() == "stale" }

func (p *Plan) promKind() string {
	if p == nil {
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.prom
}

// serverFault is how each kind of Prometheus trouble looks on the wire.
func (p Prometheus) serverFault(f scenarios.Fault) prom.Fault {
	answer := func(body string) prom.Fault { return prom.Fault{Status: 200, Body: body} }
	switch f.Kind {
	case "down":
		// The transport dials nowhere; queries that still arrive
		// (templates) are dropped.
		return prom.Fault{Refuse: true}
	case "slow":
		// Just past the provider's timeout.
		return prom.Fault{Delay: p.Timeout * 11 / 10}
	case "status":
		return prom.Fault{Status: f.Status}
	case "malformed":
		return answer("<html><body>502 Bad Gateway</body></html>")
	case "empty":
		return answer(`{"status":"success","data":{"resultType":"vector","result":[]}}`)
	case "nan":
		return answer(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[0,"NaN"]}]}}`)
	case "matrix":
		return answer(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[0,"1"],[15,"2"]]}]}}`)
	}
	return prom.Fault{}
}

// Transport decorates next, the transport the engine queries Prometheus
// through: while Prometheus is down every connection is refused; while it
// is slow every query times out as the provider's client says, at once: in
// virtual time waiting only costs wall time, and a race between a delay
// and a timeout would let the machine's load decide the check. Without
// Prometheus faults it is next.
func (p Prometheus) Transport(next http.RoundTripper) http.RoundTripper {
	if !p.Plan.has(scenarios.FaultPrometheus) {
		return next
	}
	return &promTransport{plan: p.Plan, next: next}
}

type promTransport struct {
	plan *Plan
	next http.RoundTripper
}

func (t *promTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	switch t.plan.promKind() {
	case "down":
		return nil, refused()
	case "slow":
		return nil, timedOut{}
	}
	return t.next.RoundTrip(req)
}

// refused is the network as seen from a client of a server that is down:
// every connection is refused.
func refused() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
}

// timedOut is what net/http's client says when the answer comes after its
// Timeout; the caller's client adds the request.
type timedOut struct{}

func (timedOut) Error() string {
	return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
}
func (timedOut) Timeout() bool { return true }
func (timedOut) Unwrap() error { return context.DeadlineExceeded }
