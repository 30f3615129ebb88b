// This file is the server's injectable faults: refused connections, slow
// answers and error responses, as chaos runs need them.

package prom

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/rehearse-dev/rehearse/internal/ctxsleep"
)

// Fault makes the HTTP API misbehave, for chaos scenarios. The zero value is
// a healthy server.
type Fault struct {
	// Delay holds every request this long (wall time) before it is
	// answered, or until the client gives up.
	Delay time.Duration
	// Status, when non-zero, answers every request with this HTTP status
	// instead of serving it.
	Status int
	// Body is the answer's body when Status is set. Empty means a
	// Prometheus-shaped error whose errorType matches Status.
	Body string
	// Refuse drops every connection without an answer, as a server that is
	// down does.
	Refuse bool
}

// SetFault installs f for every later request; SetFault(Fault{}) heals.
func (s *Server) SetFault(f Fault) {
	if f == (Fault{}) {
		s.fault.Store(nil)
		return
	}
	s.fault.Store(&f)
}

// withFault applies the installed fault, if any, before next.
func (s *Server) withFault(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := s.fault.Load()
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		if f.Refuse {
			refuse(w)
			return
		}
		if !wait(r.Context(), f.Delay) {
			return // the client gave up; nobody reads an answer
		}
		if f.Status == 0 {
			next.ServeHTTP(w, r)
			return
		}
		f.write(w)
	})
}

// wait sleeps for d unless ctx ends first, and reports whether it slept.
func wait(ctx context.Context, d time.Duration) bool {
	return d <= 0 || ctxsleep.Sleep(ctx, d) == nil
}

func (f *Fault) write(w http.ResponseWriter) {
	if f.Body != "" {
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	typ := errorTypeOf(f.Status)
	writeJSON(w, f.Status, appendError(nil, typ, fmt.Sprintf("injected fault: HTTP %d", f.Status)))
}

// errorTypeOf is the API error type Prometheus answers with the status.
func errorTypeOf(status int) string {
	switch status {
	case http.StatusBadRequest:
		return errBadData
	case http.StatusUnprocessableEntity:
		return errExecution
	case 499:
		return errCanceled
	case http.StatusServiceUnavailable:
		return errTimeout
	}
	return errInternal
}

// refuse closes the connection without a word; where the connection cannot
// be taken over (the in-process transport) it aborts the request instead.
func refuse(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
