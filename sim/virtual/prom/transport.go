// This file answers HTTP requests in the same process, skipping the
// loopback socket, with the bytes the network path would carry.

package prom

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
)

// Transport returns an http.RoundTripper that answers with Handler in the
// same process, skipping the loopback connection, for sweeps whose
// Prometheus client takes a custom http.Client. The bytes are those the
// network path would carry.
func (s *Server) Transport() http.RoundTripper {
	return handlerTransport{h: s.Handler(), s: s}
}

// errRefused is what a client sees of a server that is down.
var errRefused = errors.New("dial tcp: connect: connection refused (injected fault)")

type handlerTransport struct {
	h http.Handler
	s *Server
}

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if f := t.s.fault.Load(); f != nil && f.Refuse {
		return nil, errRefused
	}
	in := r.Clone(r.Context()) // the handler parses the form into its request
	if r.Body != nil {
		defer r.Body.Close()
	}
	if in.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = r.URL.RequestURI()
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, in)
	resp := rec.Result()
	resp.Request = r
	if r.Method == http.MethodHead {
		resp.Body = io.NopCloser(http.NoBody)
	}
	return resp, nil
}
