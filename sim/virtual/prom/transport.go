// This file answers HTTP requests in the same process, skipping the
// loopback socket, with the bytes the network path would carry.

package prom

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
)

// Transport returns an http.RoundTripper that answers with Handler in the
// same process, skipping the loopback connection, for sweeps whose
// Prometheus client takes a custom http.Client. The bytes are those the
// network path would carry.
func (s *Server) Transport() http.RoundTripper {
	return handlerTransport{h: s.Handler(), s: s}
}

// AnswersInProcess implements metrics.InProcessTransport: no answer
// carries a Location header or a cookie (the handler and the faults set
// only Content-Type), an error comes without an answer (a refused
// connection), and every answer has a body.
func (handlerTransport) AnswersInProcess() {}

// errRefused is what a client sees of a server that is down.
var errRefused = errors.New("dial tcp: connect: connection refused (injected fault)")

type handlerTransport struct {
	h http.Handler
	s *Server
}

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f := t.s.fault.Load()
	if f != nil && f.Refuse {
		return nil, errRefused
	}
	if f == nil && r.Method == http.MethodGet && r.URL.Path == "/api/v1/query" {
		return t.instant(r), nil
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

// instant answers GET /api/v1/query, the one request of a check, as the
// handler does, without the router, the request's copy and the response
// recorder the handler needs: the parameters are read from the URL as
// the handler reads a GET's form, and the answer carries the status,
// header and body the handler writes.
func (t handlerTransport) instant(r *http.Request) *http.Response {
	if r.Body != nil {
		defer r.Body.Close()
	}
	buf := getBuffer()
	status := t.s.instantAnswer(r.Context(), queryForm(r.URL.RawQuery), buf)
	a := &answered{body: answerBody{buf: buf}}
	a.body.r.Reset(*buf)
	a.resp = http.Response{
		Status: statusLine(status), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": jsonContentType},
		Body:          &a.body,
		ContentLength: -1, // as the handler's answer, which sets no Content-Length
		Request:       r,
	}
	return &a.resp
}

// answered is a response and its body, allocated together: the body lives
// as long as the response that hands it out.
type answered struct {
	resp http.Response
	body answerBody
}

// jsonContentType is the Content-Type of every answer. Responses share
// it: a header's values are replaced (Set) or appended to (Add), which
// leaves a full slice as it was, never written into.
var jsonContentType = []string{"application/json"}

// answerBody reads an answer from the pooled buffer it was written into,
// which Close gives back: each check's answer was copied out of that
// buffer into a new one, behind a reader and a closer. Read and Close
// may come from different goroutines, as on a network body, so neither
// reads a buffer the other has given back.
type answerBody struct {
	mu  sync.Mutex
	r   bytes.Reader
	buf *[]byte // nil once closed
}

func (b *answerBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.r.Read(p)
}

// Close gives the buffer back, once; reading afterwards reads nothing.
func (b *answerBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf != nil {
		b.r.Reset(nil)
		putBuffer(b.buf)
		b.buf = nil
	}
	return nil
}

// statusLine is a response's Status, as the response recorder writes it.
func statusLine(code int) string {
	if code == http.StatusOK {
		return "200 OK" // a check's answer, without formatting it
	}
	return fmt.Sprintf("%03d %s", code, http.StatusText(code))
}

// queryForm reads parameters from a URL's raw query as the handler's
// FormValue does: the first value of a name, among the pairs that parse.
// The engine's client sends two, query and time, which are read where
// they are without the map url.ParseQuery builds of every pair (its limit
// on their number, 10,000 unless GODEBUG sets another, is far above two);
// a query with more pairs is parsed in full.
func queryForm(raw string) formValues {
	if strings.Count(raw, "&") > 1 {
		form, _ := url.ParseQuery(raw) // what parses, as the handler's FormValue
		return formValues{get: form.Get}
	}
	return formValues{raw: raw}
}

// firstValue is url.ParseQuery(raw).Get(name): a pair with a semicolon,
// or whose name or value does not unescape, counts for nothing.
func firstValue(raw, name string) string {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(k); err != nil || k != name {
			continue
		}
		if name == "query" {
			if u := queryTexts.get(v, unescapeQuery); u.ok {
				return u.text
			}
			continue
		}
		if v, err := url.QueryUnescape(v); err == nil {
			return v
		}
	}
	return ""
}

// queryTexts memoises the unescaping of a query parameter by its escaped
// form: a check sends the same few texts at every tick, each unescaped
// into a new string of a few hundred bytes.
var queryTexts textMemo[unescaped]

// unescaped is url.QueryUnescape's text, and whether it had no error.
type unescaped struct {
	text string
	ok   bool
}

func unescapeQuery(v string) unescaped {
	u, err := url.QueryUnescape(v)
	return unescaped{text: u, ok: err == nil}
}
