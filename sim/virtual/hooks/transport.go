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

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	in := r.Clone(r.Context())
	if in.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = r.URL.RequestURI()
	rec := httptest.NewRecorder()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		t.s.handle(rec, in)
	}()
	select {
	case p := <-done:
		if p != nil {
			return nil, io.EOF // the handler dropped the connection
		}
		resp := rec.Result()
		resp.Request = r
		return resp, nil
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
}
