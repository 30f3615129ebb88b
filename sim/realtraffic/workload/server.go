// This file is one version's pods as an HTTP server on loopback: podinfo's
// endpoints and /metrics, answers as the behaviour says, each recorded
// with its real duration.

package workload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/internal/ctxsleep"
)

// maxDelay bounds /delay/{seconds}: a rehearsal's pods never hold a
// request longer than this.
const maxDelay = 30 * time.Second

// Config describes one version's pods.
type Config struct {
	// Name is the version's workload name, as answers show it
	// (podinfo-primary).
	Name string
	// Behaviour says how the version answers now; it is called once per
	// request, from many goroutines. The caller owns the clock.
	Behaviour func() Behaviour
	// Series are the series to export (traffic.Generator.Series).
	Series []labels.Labels
	// Seed makes the draws of errors and latencies repeatable in order.
	Seed uint64
}

// Totals count the requests a version answered while serving.
type Totals struct {
	Requests, Errors int64 // Errors are the 5xx answers
}

// Server is one version's pods, listening on a loopback port.
type Server struct {
	cfg      Config
	in       *instruments
	dice     *dice
	srv      *http.Server
	addr     string
	cancel   context.CancelFunc
	requests atomic.Int64
	errors   atomic.Int64
	active   atomic.Int64 // requests being answered
}

// Start listens on 127.0.0.1 and serves until Close.
func Start(cfg Config) (*Server, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("workload %s: listening on loopback: %w", cfg.Name, err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// New builds a server without listening: its Handler serves in-process.
func New(cfg Config) (*Server, error) {
	if cfg.Behaviour == nil {
		return nil, fmt.Errorf("workload %s: no behaviour given", cfg.Name)
	}
	in, err := newInstruments(cfg.Series)
	if err != nil {
		return nil, fmt.Errorf("workload %s: %w", cfg.Name, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cfg: cfg, in: in, dice: newDice(cfg.Seed), cancel: cancel}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	return s, nil
}

// Addr is host:port; URL is the base URL.
func (s *Server) Addr() string { return s.addr }

// URL is the server's base URL, http://127.0.0.1:port.
func (s *Server) URL() string { return "http://" + s.addr }

// Served returns what the version answered so far.
func (s *Server) Served() Totals {
	return Totals{Requests: s.requests.Load(), Errors: s.errors.Load()}
}

// Close ends every request in flight (their sleeps are cut short) and
// stops listening.
func (s *Server) Close() error {
	s.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(err, s.srv.Close())
	}
	return nil
}

// Handler serves podinfo's endpoints and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, status("OK")) })
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.in.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/status/{code}", s.serving(s.statusCode))
	mux.HandleFunc("/delay/{seconds}", s.serving(s.delay))
	mux.HandleFunc("/", s.serving(s.app))
	return mux
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if !s.cfg.Behaviour().Serving {
		writeJSON(w, http.StatusServiceUnavailable, status("not ready"))
		return
	}
	writeJSON(w, http.StatusOK, status("OK"))
}

// answer is what an instrumented handler decided: a status code, after
// waiting (the wait is part of the recorded duration).
type answer struct {
	code int
	wait time.Duration
}

// serving wraps an endpoint: a version that is not serving answers 503
// unrecorded; otherwise the answer is awaited, written and recorded with
// its real duration.
func (s *Server) serving(decide func(*http.Request, Behaviour) answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := s.cfg.Behaviour()
		if !b.Serving {
			writeJSON(w, http.StatusServiceUnavailable, status("no healthy upstream"))
			return
		}
		s.active.Add(1)
		defer s.active.Add(-1)
		a := decide(r, b)
		if ctxsleep.Sleep(r.Context(), a.wait) != nil {
			return // the client left or the pods are going away: nothing to record
		}
		writeJSON(w, a.code, s.info(a.code))
		s.count(a.code, time.Since(start))
	}
}

func (s *Server) count(code int, d time.Duration) {
	s.requests.Add(1)
	if code >= 500 {
		s.errors.Add(1)
	}
	s.in.record(code, d)
}

// app is ordinary traffic: the version's error rate and latency apply.
func (s *Server) app(_ *http.Request, b Behaviour) answer {
	code := http.StatusOK
	if s.dice.fails(b.SuccessRate) {
		code = http.StatusInternalServerError
	}
	return answer{code: code, wait: s.dice.latency(b.P50, b.P99)}
}

// statusCode answers the code asked for, at once (podinfo's /status/{code}).
func (s *Server) statusCode(r *http.Request, _ Behaviour) answer {
	code, err := strconv.Atoi(r.PathValue("code"))
	if err != nil || code < 200 || code > 599 {
		return answer{code: http.StatusBadRequest}
	}
	return answer{code: code}
}

// delay answers 200 after the seconds asked for (podinfo's /delay/{seconds}),
// real seconds: latencies are never scaled.
func (s *Server) delay(r *http.Request, _ Behaviour) answer {
	n, err := strconv.ParseFloat(r.PathValue("seconds"), 64)
	if err != nil || n < 0 {
		return answer{code: http.StatusBadRequest}
	}
	return answer{code: http.StatusOK, wait: min(time.Duration(n*float64(time.Second)), maxDelay)}
}

type status string

func (s status) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"status": string(s)})
}

// info is podinfo's answer body, trimmed to what a rehearsal needs.
func (s *Server) info(code int) map[string]any {
	return map[string]any{"hostname": s.cfg.Name, "status": code}
}

func writeJSON(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
