// This file carries out a reply after its virtual latency: an answer, a
// held call, or a dropped connection.

package hooks

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// respond carries out a reply: waits its latency, then answers, holds the
// call, or drops the connection.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, rep reply, idx int) {
	if rep.timeout {
		s.hold(w, r)
		return
	}
	if !s.hurry.Load() && !s.wait(r.Context(), rep.latency) {
		s.abandoned(idx, fmt.Sprintf("the caller gave up (or the server closed) before the answer, due after %s", rep.latency))
		refuse(w) // returning would send net/http's implicit 200
		return
	}
	if !s.waitFor(r.Context(), rep.done) {
		s.abandoned(idx, "the caller gave up (or the server closed) before the command it waited for ended")
		refuse(w)
		return
	}
	if rep.refused {
		refuse(w)
		return
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

// wait sleeps a virtual duration scaled to wall time; false when the caller
// hung up or the server is closing first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(s.wall(d))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	case <-t.C:
		return true
	}
}

// waitFor waits until done is closed (at once when it is nil); false when
// the caller hung up or the server is closing first.
func (s *Server) waitFor(ctx context.Context, done <-chan struct{}) bool {
	if done == nil {
		return true
	}
	select {
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	case <-done:
		return true
	}
}

// hold never answers while the caller waits; the bound only matters for a
// caller without a timeout.
func (s *Server) hold(w http.ResponseWriter, r *http.Request) {
	if !s.wait(r.Context(), maxHold) {
		refuse(w) // returning would send net/http's implicit 200
		return
	}
	w.WriteHeader(http.StatusGatewayTimeout)
	_, _ = fmt.Fprintf(w, "rehearse: scenario timeout held the call for %s", maxHold)
}

func (s *Server) wall(d time.Duration) time.Duration {
	return max(time.Duration(float64(d)*s.scale), time.Microsecond)
}

// refuse closes the connection without a word. Aborting the handler does the
// same where the connection cannot be taken over.
func refuse(w http.ResponseWriter) {
	hj, isHijacker := w.(http.Hijacker)
	if !isHijacker {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// abandoned marks a recorded call whose answer never went out because the
// caller stopped waiting for it.
func (s *Server) abandoned(idx int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[idx].Status = 0
	s.calls[idx].Err = join(s.calls[idx].Err, msg)
}
