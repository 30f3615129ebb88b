// This file lets a client call the receivers in the same process, without
// a socket, with the bytes the network path would carry.

package hooks

import (
	"io"
	"net/http"
	"net/http/httptest"
)

// Transport answers calls with the server's own handler in the same
// process, skipping the loopback connection, for sweeps that run thousands
// of rehearsals. A dropped connection reads as EOF, as it does over the
// network; a held call ends when the caller's context does.
func (s *Server) Transport() http.RoundTripper { return inProcess{s} }

type inProcess struct{ s *Server }

// RoundTrip runs the handler on the caller's goroutine: every wait in it
// (a latency, a held call, a bash task) also ends when the request's
// context does, so the caller is never kept past its deadline, and no
// goroutine is started and woken per call, which was most of a call's
// cost (the scheduler's futex wake-ups).
func (t inProcess) RoundTrip(r *http.Request) (resp *http.Response, err error) {
	in := r.Clone(r.Context())
	if in.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = r.URL.RequestURI()
	rec := httptest.NewRecorder()
	defer func() {
		if recover() == nil {
			return
		}
		resp, err = nil, io.EOF // the handler dropped the connection
		if ctxErr := r.Context().Err(); ctxErr != nil {
			err = ctxErr // it dropped it because the caller gave up
		}
	}()
	t.s.handle(rec, in)
	if ctxErr := r.Context().Err(); ctxErr != nil {
		return nil, ctxErr // the caller gave up before the answer
	}
	resp = rec.Result()
	resp.Request = r
	return resp, nil
}
