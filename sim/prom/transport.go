package prom

import (
	"io"
	"net/http"
	"net/http/httptest"
)

// Transport returns an http.RoundTripper that answers with Handler in the
// same process, skipping the loopback connection, for sweeps whose
// Prometheus client takes a custom http.Client. The bytes are those the
// network path would carry.
func (s *Server) Transport() http.RoundTripper {
	return handlerTransport{h: s.Handler()}
}

type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
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
