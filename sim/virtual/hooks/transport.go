// This file lets a client call the receivers in the same process, without
// a socket, with the bytes the network path would carry.

package hooks

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
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
//
// The handler gets a shallow copy of the request, not a deep clone: it
// only reads the URL and headers, and reading the body is what sending it
// would do, so the caller's request stays as it was.
func (t inProcess) RoundTrip(r *http.Request) (resp *http.Response, err error) {
	in := r.WithContext(r.Context())
	if in.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = r.URL.RequestURI()
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
// only wrote a body), its headers and its body. It is one object where
// httptest's recorder and its Result make several, and a call makes one.
// It is no http.Hijacker, so refusing a call aborts the handler, which
// RoundTrip reads as a dropped connection.
type answer struct {
	header http.Header
	status int
	body   answerBody
}

// answerBody is the answer's body as the caller reads it.
type answerBody struct{ bytes.Buffer }

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
	return a.body.Write(b)
}

// response is the answer as a client receives it; a handler that wrote
// nothing answers 200 with an empty body, as net/http's server does.
func (a *answer) response(r *http.Request) *http.Response {
	a.WriteHeader(http.StatusOK)
	header := a.header
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{
		Status:     strconv.Itoa(a.status) + " " + http.StatusText(a.status),
		StatusCode: a.status,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        header,
		Body:          &a.body,
		ContentLength: int64(a.body.Len()),
		Request:       r,
	}
}
