// This file lets a client call the receivers in the same process, without
// a socket, with the bytes the network path would carry.

package hooks

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Transport answers calls with the server's own handler in the same
// process, skipping the loopback connection, for sweeps that run thousands
// of rehearsals. A dropped connection reads as EOF, as it does over the
// network; a held call ends when the caller's context does. It is a
// webhook.InProcessTransport: its answers carry no header at all (no
// Location, no cookie), so the webhook caller sends it requests without an
// http.Client around it.
func (s *Server) Transport() http.RoundTripper { return inProcess{s} }

type inProcess struct{ s *Server }

// AnswersInProcess implements webhook.InProcessTransport.
func (inProcess) AnswersInProcess() {}

// RoundTrip runs the handler on the caller's goroutine: every wait in it
// (a latency, a held call, a bash task) also ends when the request's
// context does, so the caller is never kept past its deadline, and no
// goroutine is started and woken per call, which was most of a call's
// cost (the scheduler's futex wake-ups).
//
// The handler gets the caller's request itself, not a copy: it reads only
// the URL, the body and the context, and reading the body is what sending
// it would do, so the request is left as a transport must leave it. A
// request without a body gets a shallow copy with an empty one, as a
// server would give its handler.
func (t inProcess) RoundTrip(r *http.Request) (resp *http.Response, err error) {
	in := r
	if in.Body == nil {
		in = r.WithContext(r.Context())
		in.Body = http.NoBody
	}
	w := &answer{}
	defer func() {
		if recover() == nil {
			return
		}
		resp, err = nil, io.EOF // the handler dropped the connection
		if ctxErr := r.Context().Err(); ctxErr != nil {
			err = ctxErr // it dropped it because the caller gave up
		}
	}()
	t.s.handle(w, in)
	if ctxErr := r.Context().Err(); ctxErr != nil {
		return nil, ctxErr // the caller gave up before the answer
	}
	return w.response(r), nil
}

// answer records what the handler wrote: the first status (200 when it
// only wrote a body), its headers and its body, and is the response the
// caller receives. It is one object where httptest's recorder and its
// Result make several, and a call makes one. It is no http.Hijacker, so
// refusing a call aborts the handler, which RoundTrip reads as a dropped
// connection.
type answer struct {
	header http.Header
	status int
	body   string // the handlers write their answer in one string
	reader answerBody
	resp   http.Response
}

// answerBody is the answer's body as the caller reads it.
type answerBody struct{ strings.Reader }

// Close implements io.Closer; there is no connection to release.
func (*answerBody) Close() error { return nil }

func (a *answer) Header() http.Header {
	if a.header == nil {
		a.header = http.Header{}
	}
	return a.header
}

func (a *answer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *answer) Write(b []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	a.body += string(b)
	return len(b), nil
}

// WriteString keeps the handler's string itself: io.WriteString calls it,
// and the usual answer is a constant ("OK").
func (a *answer) WriteString(s string) (int, error) {
	a.WriteHeader(http.StatusOK)
	if a.body == "" {
		a.body = s
	} else {
		a.body += s
	}
	return len(s), nil
}

// response is the answer as a client receives it; a handler that wrote
// nothing answers 200 with an empty body, as net/http's server does, and
// an empty body is http.NoBody, as net/http's client gives it.
func (a *answer) response(r *http.Request) *http.Response {
	a.WriteHeader(http.StatusOK)
	header := a.header
	if header == nil {
		header = http.Header{}
	}
	a.resp = http.Response{
		Status:     statusLine(a.status),
		StatusCode: a.status,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        header,
		Body:          http.NoBody,
		ContentLength: int64(len(a.body)),
		Request:       r,
	}
	if a.body != "" {
		a.reader.Reset(a.body)
		a.resp.Body = &a.reader
	}
	return &a.resp
}

// statusLines are the status lines of the statuses net/http names, made
// once: a status line is the same string for every answer with its code.
var statusLines = func() map[int]string {
	m := map[int]string{}
	for code := 100; code < 600; code++ {
		if text := http.StatusText(code); text != "" {
			m[code] = strconv.Itoa(code) + " " + text
		}
	}
	return m
}()

// statusLine is the Status of an answer with that code: "200 OK".
func statusLine(code int) string {
	if line, ok := statusLines[code]; ok {
		return line
	}
	return strconv.Itoa(code) + " " + http.StatusText(code)
}
