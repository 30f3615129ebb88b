// This file is the HTTP API the engine's client uses: /api/v1/query and
// query_range, buildinfo, and the health and readiness endpoints.

package prom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/util/annotations"
	"github.com/prometheus/prometheus/util/stats"
)

// PrometheusVersion is the version of the Prometheus module whose engine and
// TSDB answer, reported by /api/v1/status/buildinfo.
const PrometheusVersion = "3.13.5"

// maxAnnotations is how many warnings (and infos) one answer carries.
const maxAnnotations = 10

// Handler serves the parts of Prometheus's HTTP API a rollout needs:
// /api/v1/query and /api/v1/query_range (GET, or POST with a form),
// /api/v1/status/buildinfo, /-/healthy and /-/ready. Answers are not
// gzip-compressed (clients decompress transparently, so the decoded bytes are
// the same) and carry no CORS headers. After Close, queries answer 503 with
// errorType "unavailable".
func (s *Server) Handler() http.Handler { return s.handler }

// newHandler builds Handler's routes once per Server: a sweep asks for a
// Transport per rehearsal, and building the mux each time was about 140
// allocations a rehearsal.
func (s *Server) newHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/query", s.serveQuery)
	mux.HandleFunc("POST /api/v1/query", s.serveQuery)
	mux.HandleFunc("GET /api/v1/query_range", s.serveQueryRange)
	mux.HandleFunc("POST /api/v1/query_range", s.serveQueryRange)
	mux.HandleFunc("GET /api/v1/status/buildinfo", serveBuildInfo)
	mux.HandleFunc("OPTIONS /api/v1/query", serveNoContent)
	mux.HandleFunc("OPTIONS /api/v1/query_range", serveNoContent)
	mux.HandleFunc("GET /-/healthy", serveText("Prometheus Server is Healthy.\n"))
	mux.HandleFunc("GET /-/ready", serveText("Prometheus Server is Ready.\n"))
	return s.withFault(mux)
}

// Start serves Handler on a fresh loopback port and returns its base URL
// (http://127.0.0.1:port). Close stops it.
func (s *Server) Start() (string, error) {
	if err := s.withStore(func(*store) error { return nil }); err != nil {
		return "", err
	}
	s.httpMu.Lock()
	defer s.httpMu.Unlock()
	if s.http != nil {
		return "", errors.New("synthetic prometheus: Start called twice")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("listen on a loopback port for the synthetic prometheus: %w", err)
	}
	s.http = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func(srv *http.Server) { _ = srv.Serve(ln) }(s.http) // returns ErrServerClosed on Close
	return "http://" + ln.Addr().String(), nil
}

func (s *Server) stopHTTP() error {
	s.httpMu.Lock()
	defer s.httpMu.Unlock()
	if s.http == nil {
		return nil
	}
	err := s.http.Close()
	s.http = nil
	return err
}

func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	buf := getBuffer()
	defer putBuffer(buf)
	writeJSON(w, s.instantAnswer(r.Context(), formValues{get: r.FormValue}, buf), *buf)
}

func (s *Server) serveQueryRange(w http.ResponseWriter, r *http.Request) {
	buf := getBuffer()
	defer putBuffer(buf)
	p, tr, aerr := rangeParams(formValues{get: r.FormValue})
	if aerr != nil {
		writeJSON(w, errorAnswer(aerr, buf), *buf)
		return
	}
	writeJSON(w, s.answer(r.Context(), p, ranged(p.query, tr.start, tr.end, tr.step, p.opts), buf), *buf)
}

// instantAnswer answers /api/v1/query with the parameters form gives: it
// writes the body into buf and returns the status.
func (s *Server) instantAnswer(ctx context.Context, form formValues, buf *[]byte) int {
	p, at, aerr := s.instantParams(form)
	if aerr != nil {
		return errorAnswer(aerr, buf)
	}
	return s.answer(ctx, p, instant(p.query, at, p.opts), buf)
}

// answer runs the query, writes its result or its error into buf, and
// returns the status.
func (s *Server) answer(ctx context.Context, p queryParams, nq newQueryFunc, buf *[]byte) int {
	ctx, cancel := p.context(ctx)
	defer cancel()
	err := s.evaluate(ctx, nq, func(qry promql.Query, res *promql.Result) {
		*buf = appendSuccess((*buf)[:0], p, qry, res)
	})
	if err != nil {
		return errorAnswer(classify(err), buf)
	}
	return http.StatusOK
}

// errorAnswer writes e's body into buf and returns its status.
func errorAnswer(e *apiError, buf *[]byte) int {
	*buf = appendError((*buf)[:0], e.typ, e.err.Error())
	return e.status()
}

// appendSuccess writes {"status":"success","data":{...}} with the warnings
// and infos the evaluation produced.
func appendSuccess(b []byte, p queryParams, qry promql.Query, res *promql.Result) []byte {
	value, warns := truncate(res.Value, res.Warnings, p.limit)
	b = append(b, `{"status":"success","data":{"resultType":"`...)
	b = append(b, value.Type()...)
	b = append(b, `","result":`...)
	b = appendResult(b, value)
	if p.stats != "" {
		b = appendStats(b, qry.Stats())
	}
	b = append(b, '}')
	b = appendAnnotations(b, warns, p.query)
	return append(b, '}')
}

// truncate applies the limit parameter to a vector or matrix.
func truncate(v parser.Value, warns annotations.Annotations, limit int) (parser.Value, annotations.Annotations) {
	if limit <= 0 {
		return v, warns
	}
	switch x := v.(type) {
	case promql.Vector:
		if len(x) > limit {
			return x[:limit], warns.Add(errors.New("results truncated due to limit"))
		}
	case promql.Matrix:
		if len(x) > limit {
			return x[:limit], warns.Add(errors.New("results truncated due to limit"))
		}
	}
	return v, warns
}

func appendStats(b []byte, st *stats.Statistics) []byte {
	js, err := json.Marshal(stats.NewQueryStats(st))
	if err != nil {
		return b // the stats are plain numbers; this cannot happen
	}
	b = append(b, `,"stats":`...)
	return append(b, js...)
}

// appendAnnotations writes "warnings" and "infos", each sorted (the engine
// keeps them in a map) and capped as Prometheus caps them.
func appendAnnotations(b []byte, a annotations.Annotations, query string) []byte {
	if len(a) == 0 { // most answers: AsStrings would make two empty lists
		return b
	}
	warns, infos := a.AsStrings(query, 0, 0)
	if len(warns) > 0 {
		b = append(b, `,"warnings":`...)
		b = appendJSONStrings(b, capSorted(warns, "warning"))
	}
	if len(infos) > 0 {
		b = append(b, `,"infos":`...)
		b = appendJSONStrings(b, capSorted(infos, "info"))
	}
	return b
}

func capSorted(ss []string, kind string) []string {
	slices.Sort(ss)
	if len(ss) <= maxAnnotations {
		return ss
	}
	omitted := fmt.Sprintf("%d more %s annotations omitted", len(ss)-maxAnnotations, kind)
	return append(ss[:maxAnnotations], omitted)
}

func serveBuildInfo(w http.ResponseWriter, _ *http.Request) {
	b := []byte(`{"status":"success","data":{"version":"` + PrometheusVersion +
		`","revision":"","branch":"","buildUser":"rehearse","buildDate":"","goVersion":"` + runtime.Version() + `"}}`)
	writeJSON(w, http.StatusOK, b)
}

// serveNoContent answers a CORS preflight as Prometheus does.
func serveNoContent(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }

// serveText answers GET with text and HEAD with an empty body (not
// merely a discarded one, so Content-Length is 0 as on a stock server).
func serveText(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write([]byte(text))
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body) // a client that went away has nothing left to tell
}

// Error types of the API and the status code Prometheus gives each.
const (
	errBadData     = "bad_data"
	errExecution   = "execution"
	errCanceled    = "canceled"
	errTimeout     = "timeout"
	errInternal    = "internal"
	errUnavailable = "unavailable"
)

// apiError is an error answer: {"status":"error","errorType":...,"error":...}.
type apiError struct {
	typ string
	err error
}

func badParam(name string, err error) *apiError {
	return &apiError{typ: errBadData, err: fmt.Errorf("invalid parameter %q: %w", name, err)}
}

// status is the HTTP status code of the error type.
func (e *apiError) status() int {
	switch e.typ {
	case errBadData:
		return http.StatusBadRequest
	case errExecution:
		return http.StatusUnprocessableEntity
	case errCanceled:
		return 499 // nginx's "client closed request", as Prometheus uses it
	case errTimeout, errUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// classify maps an evaluation error to its API error type.
func classify(err error) *apiError {
	var (
		qe       queryError
		canceled promql.ErrQueryCanceled
		timeout  promql.ErrQueryTimeout
		storage  promql.ErrStorage
	)
	switch {
	case errors.As(err, &qe):
		return badParam("query", qe.err)
	case errors.Is(err, ErrClosed):
		return &apiError{typ: errUnavailable, err: err}
	case errors.As(err, &canceled), errors.Is(err, context.Canceled):
		return &apiError{typ: errCanceled, err: err}
	case errors.As(err, &timeout):
		return &apiError{typ: errTimeout, err: err}
	case errors.As(err, &storage):
		return &apiError{typ: errInternal, err: err}
	}
	return &apiError{typ: errExecution, err: err}
}

func appendError(b []byte, typ, msg string) []byte {
	b = append(b, `{"status":"error","errorType":`...)
	b = appendJSONString(b, typ)
	b = append(b, `,"error":`...)
	b = appendJSONString(b, msg)
	return append(b, '}')
}

// bufferPool recycles answer buffers; most answers are a few hundred bytes.
var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuffer() *[]byte { return bufferPool.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) <= 64<<10 { // let the odd huge answer go
		bufferPool.Put(b)
	}
}
