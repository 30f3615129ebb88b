// This file holds the helpers the server's tests share.

package prom

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// t0 is the virtual start of every test: 2024-01-01T00:00:00Z.
var t0 = time.Unix(1704067200, 0).UTC()

// newTestServer returns a server whose clock reads now, closed at cleanup.
func newTestServer(t testing.TB, opts Options, now time.Time) *Server {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return now }
	}
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// load loads promtool-notation series, one "metric values" pair per entry,
// sampled every 15s from t0.
func load(t testing.TB, s *Server, series ...[2]string) {
	t.Helper()
	for _, sv := range series {
		if err := s.LoadSeries(sv[0], sv[1], t0, 15*time.Second); err != nil {
			t.Fatalf("LoadSeries(%q, %q): %v", sv[0], sv[1], err)
		}
	}
}

// response is one answer of the handler.
type response struct {
	status      int
	contentType string
	body        string
}

// get serves one GET through the handler, without a network.
func get(t testing.TB, h http.Handler, target string) response {
	t.Helper()
	return serve(t, h, httptest.NewRequest(http.MethodGet, target, nil))
}

// postForm serves one form POST through the handler.
func postForm(t testing.TB, h http.Handler, path string, form url.Values) response {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return serve(t, h, r)
}

func serve(t testing.TB, h http.Handler, r *http.Request) response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	body, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return response{status: rec.Code, contentType: rec.Header().Get("Content-Type"), body: string(body)}
}

// queryURL builds /api/v1/query?query=q plus extra "k=v" parameters.
func queryURL(path, q string, extra ...string) string {
	v := url.Values{"query": {q}}
	for _, kv := range extra {
		k, val, _ := strings.Cut(kv, "=")
		v.Set(k, val)
	}
	return path + "?" + v.Encode()
}

func newRequest(method, target string) *http.Request {
	return httptest.NewRequest(method, target, nil)
}

func asError[T error](err error, target *T) bool { return errors.As(err, target) }
