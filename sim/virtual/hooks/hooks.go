// Package hooks is the world's webhook receivers for a simulated rollout: one
// HTTP server on 127.0.0.1 that answers each Canary webhook as the scenario
// says, as a function of virtual time, and speaks the flagger-loadtester's
// endpoints (gates, rollback gates, tasks), so Canaries written for a real
// cluster work unchanged.
//
// It never runs anything from webhook metadata through a shell: a `cmd`
// task is answered at once and its command handed to the world's Runner
// (which models hey, or runs it in-process) unless the same command is
// still running, as flagger-loadtester does; a `bash` task's answer waits
// for its command; other shell-like task types are refused. It also
// receives the Canary's alerts, in each provider's payload shape.
package hooks

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Answer is how a hook answers from virtual time From until the next
// answer's From. Status 0 keeps the endpoint's own answer (200 for a plain
// hook, the gate's state for a loadtester gate), delayed by Latency.
type Answer struct {
	From    time.Duration
	Status  int
	Latency time.Duration
	// Timeout: never answers before the caller's timeout.
	Timeout bool
	// Refused: the connection is closed without an answer (after Latency).
	Refused bool
}

// Gate is a gate's state over virtual time: Open at the start, opened at
// OpenAt and closed at CloseAt. Loadtester /gate/open and /gate/close calls
// change it too, from the virtual time they arrive.
type Gate struct {
	Open            bool
	OpenAt, CloseAt *time.Duration
}

// Behaviour is how one webhook, by name, answers over virtual time.
type Behaviour struct {
	Answers []Answer
	Gate    *Gate
}

// Call is one request the server received.
type Call struct {
	At time.Duration // virtual time of arrival
	// Hook is the webhook name from the URL; empty for loadtester base URLs.
	Hook string
	// Path is the loadtester endpoint ("/gate/check", "/" for tasks); empty
	// for a plain hook URL.
	Path     string
	Phase    string
	Status   int // the answer given; 0 when none was (timeout, refused)
	Metadata map[string]string
	Err      string // what went wrong, for the report; empty when nothing did
	// Task is what the loadtester did with the call's command (TaskStarted,
	// TaskRunning, TaskNotRun); empty when it carries none or no Runner is
	// set. TaskErr says why a command was not run, or since when it runs.
	Task, TaskErr string
}

// Server answers webhooks on a random loopback port (or, started in
// process, only through its Transport) until Close.
type Server struct {
	base       string
	scale      float64
	behaviours map[string]Behaviour
	srv        *http.Server // nil when started in process
	done       chan struct{}
	inflight   sync.WaitGroup
	closeOnce  sync.Once
	closeErr   error
	// hurry skips answers' latencies while a caller that cannot time out
	// is calling (see Hurry).
	hurry atomic.Bool

	mu      sync.Mutex
	closed  bool
	now     time.Duration
	calls   []Call
	toggles map[string][]toggle
	// overrides replace a hook's answer for the next calls: a fault
	// injected by the harness wins over the scenario and the endpoint.
	overrides map[string]Answer
	// runner starts tasks' commands; running are the background ones
	// still running, by Canary and command.
	runner  Runner
	running map[runningKey]running
	alerts  []Delivery
}

// Override makes every later call to hook answer a, until Clear; chaos
// runs use it to inject a fault at one moment of virtual time.
func (s *Server) Override(hook string, a Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.overrides == nil {
		s.overrides = map[string]Answer{}
	}
	s.overrides[hook] = a
}

// Hurry, while on, answers at once instead of after each answer's latency.
// The harness turns it on around a call it knows will not time out: its
// latency is then below the caller's timeout, so waiting it out in wall
// time changes nothing the caller or the report sees, and was the library
// run's largest idle wait after the loopback round trips (block profile).
func (s *Server) Hurry(on bool) { s.hurry.Store(on) }

// Clear removes hook's override.
func (s *Server) Clear(hook string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.overrides, hook)
}

// Start validates the behaviours and starts serving. timeScale shrinks every
// latency and timeout hold (0 or 1 is real time); use the caller's TimeScale.
func Start(behaviours map[string]Behaviour, timeScale float64) (*Server, error) {
	bs, err := prepare(behaviours)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("webhook server: listening on 127.0.0.1: %w", err)
	}
	s := newServer("http://"+ln.Addr().String(), bs, timeScale)
	s.srv = &http.Server{Handler: http.HandlerFunc(s.handle), ReadHeaderTimeout: time.Minute}
	go func() { _ = s.srv.Serve(ln) }() // returns ErrServerClosed on Close
	return s, nil
}

// inProcessBase is the address of a server only its Transport reaches: a
// host that never resolves (.invalid is reserved for that), so a call that
// missed the Transport fails loudly instead of reaching something else.
const inProcessBase = "http://rehearse-receivers.invalid"

// StartInProcess is Start for callers that reach the server only through
// its Transport: it opens no socket. Opening and closing a loopback
// listener (and its serving goroutine) cost a rehearsal in virtual time
// more CPU than all its webhook calls.
func StartInProcess(behaviours map[string]Behaviour, timeScale float64) (*Server, error) {
	bs, err := prepare(behaviours)
	if err != nil {
		return nil, err
	}
	return newServer(inProcessBase, bs, timeScale), nil
}

func newServer(base string, bs map[string]Behaviour, timeScale float64) *Server {
	return &Server{base: base, scale: normalScale(timeScale), behaviours: bs,
		done: make(chan struct{}), toggles: map[string][]toggle{}}
}

func normalScale(s float64) float64 {
	if s <= 0 {
		return 1
	}
	return s
}

// URL is the address to write into the Canary's webhook of that name. Append
// a loadtester path (URL(name)+"/gate/check", URL(name)+"/") to get the
// loadtester's behaviour with the scenario's answers and gate for that hook.
func (s *Server) URL(hook string) string {
	return s.base + "/hooks/" + url.PathEscape(hook)
}

// LoadtesterURL is the base for loadtester paths (/gate/check, /gate/open,
// /rollback/check, /, ...), without a trailing slash. Calls there follow the
// loadtester alone: no scenario answer or scheduled gate applies.
func (s *Server) LoadtesterURL() string { return s.base }

// SetNow sets the virtual time; the harness calls it before each tick.
func (s *Server) SetNow(t time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = t
}

// Calls returns every call received, in order of arrival.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsSince returns the calls received after the first n, in order of
// arrival: a caller that reads them tick by tick copies each call once, not
// the whole history every tick (a week's run has tens of thousands).
func (s *Server) CallsSince(n int) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n >= len(s.calls) {
		return nil
	}
	return append([]Call(nil), s.calls[max(n, 0):]...)
}

// Close stops the server and waits for calls in progress, which end at once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true // no handler joins s.inflight after this
		s.mu.Unlock()
		if s.srv != nil {
			s.closeErr = s.srv.Close() // connections first, so held calls get no answer
		}
		close(s.done)
		s.inflight.Wait()
	})
	return s.closeErr
}
