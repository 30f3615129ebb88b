// This file runs a parsed hey command in-process with hey's own requester,
// within limits (rate, duration scaled to virtual time, request count) so
// that no load test can starve the engine it exercises.

package load

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rakyll/hey/requester"
)

// Default bounds of a load test run in-process.
const (
	DefaultMaxDuration = 10 * time.Minute // virtual
	DefaultMaxRequests = 200_000
	DefaultMaxRate     = 1000 // wall requests per second
)

// Limits bound a load test run in-process, so that every run stops by
// itself and none can starve the engine it is meant to exercise.
type Limits struct {
	// TimeScale is wall time per virtual time: -z, and MaxDuration, scale
	// with it (hey -z 1m at 0.05 runs 3s). Latencies and -t do not.
	TimeScale   float64
	MaxDuration time.Duration // virtual; default DefaultMaxDuration
	MaxRequests int           // default DefaultMaxRequests
	MaxRate     float64       // wall requests per second; default DefaultMaxRate
}

func (l Limits) withDefaults() Limits {
	if l.TimeScale <= 0 {
		l.TimeScale = 1
	}
	if l.MaxDuration <= 0 {
		l.MaxDuration = DefaultMaxDuration
	}
	if l.MaxRequests <= 0 {
		l.MaxRequests = DefaultMaxRequests
	}
	if l.MaxRate <= 0 {
		l.MaxRate = DefaultMaxRate
	}
	return l
}

// Run is one hey command running in-process with hey's own requester.
type Run struct {
	work    *requester.Work
	out     bytes.Buffer // hey's CSV report, written when the run ends
	cancel  context.CancelFunc
	timer   *time.Timer
	done    chan struct{}
	stop    sync.Once
	notes   []string
	mu      sync.Mutex
	started []time.Time // wall time each request was built
}

// Start runs h against addr (a loopback host:port from Services.Resolve),
// within the limits, in the background.
func Start(h *Hey, addr string, lim Limits) (*Run, error) {
	lim = lim.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	r := &Run{cancel: cancel, done: make(chan struct{})}
	tmpl, body, err := r.template(ctx, h, addr)
	if err != nil {
		cancel()
		return nil, err
	}
	plan := r.plan(h, lim)
	r.work = &requester.Work{Request: tmpl, RequestBody: body, N: plan.n, C: h.Concurrency, QPS: plan.rate / float64(h.Concurrency),
		Timeout: int(h.Timeout / time.Second), Output: "csv", Writer: &r.out,
		RequestFunc: func() *http.Request { return r.request(tmpl, body) }}
	r.work.Init() // Stop may come before Run has started
	r.timer = time.AfterFunc(plan.wall, r.end)
	go func() {
		defer close(r.done)
		r.work.Run()
	}()
	return r, nil
}

// plan is how a run is bounded: its rate, its wall-clock length and the
// request count that keeps hey's preallocation small.
type plan struct {
	rate float64
	wall time.Duration
	n    int
}

func (r *Run) plan(h *Hey, lim Limits) plan {
	rate := h.Rate()
	if rate == 0 || rate > lim.MaxRate {
		r.note("rate limited to %g requests/s (asked: %s)", lim.MaxRate, askedRate(h))
		rate = lim.MaxRate
	}
	d := h.Duration
	if d == 0 || d > lim.MaxDuration {
		if d > lim.MaxDuration {
			r.note("-z %s cut to %s", h.Duration, lim.MaxDuration)
		}
		d = lim.MaxDuration
	}
	wall := time.Duration(float64(d) * lim.TimeScale)
	n := h.Requests
	if h.Duration > 0 {
		// -z decides the end; the count only has to outlast it.
		n = int(math.Ceil(rate*wall.Seconds()*1.5)) + h.Concurrency
	}
	if n > lim.MaxRequests {
		if h.Duration == 0 {
			r.note("-n %d cut to %d", h.Requests, lim.MaxRequests)
		}
		n = lim.MaxRequests
	}
	return plan{rate: rate, wall: wall, n: max(n, h.Concurrency)}
}

func askedRate(h *Hey) string {
	if h.QPS == 0 {
		return "no -q, as fast as possible"
	}
	return fmt.Sprintf("-q %g × -c %d", h.QPS, h.Concurrency)
}

func (r *Run) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// Notes say which limits the run was held to.
func (r *Run) Notes() []string { return r.notes }

// template is the request hey clones: the URL's path and query on addr,
// with the Host the command named.
func (r *Run) template(ctx context.Context, h *Hey, addr string) (*http.Request, []byte, error) {
	u := *h.URL
	if u.Scheme == "https" {
		r.note("https loaded as plain http: the rehearsal's workloads do not speak TLS")
	}
	u.Scheme, u.Host = "http", addr
	req, err := http.NewRequestWithContext(ctx, h.Method, u.String(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("hey request for %s: %w", h.URL.Redacted(), err)
	}
	req.Host = h.URL.Host
	if h.Host != "" {
		req.Host = h.Host
	}
	for _, line := range h.Headers {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, nil, fmt.Errorf("hey header %q is not \"Name: value\"", line)
		}
		req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if h.ContentType != "" {
		req.Header.Set("Content-Type", h.ContentType)
	}
	return req, []byte(h.Body), nil
}

// request is hey's RequestFunc: a fresh copy of the template, its start
// time noted (hey reports only the requests that got an answer).
func (r *Run) request(tmpl *http.Request, body []byte) *http.Request {
	now := time.Now()
	r.mu.Lock()
	r.started = append(r.started, now)
	r.mu.Unlock()
	req := tmpl.Clone(tmpl.Context())
	if len(body) > 0 {
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	}
	return req
}

// end is the -z deadline: hey's workers stop; requests in flight finish.
func (r *Run) end() { r.stop.Do(r.work.Stop) }

// Stop ends the run at once: workers stop and requests in flight are
// abandoned.
func (r *Run) Stop() {
	r.timer.Stop()
	r.cancel()
	r.end()
}

// Done is closed when the run has ended.
func (r *Run) Done() <-chan struct{} { return r.done }

// Wait blocks until the run ends and returns what it measured.
func (r *Run) Wait() (Result, error) {
	<-r.done
	r.timer.Stop()
	r.mu.Lock()
	started := append([]time.Time(nil), r.started...)
	r.mu.Unlock()
	return parseCSV(r.out.String(), started)
}
