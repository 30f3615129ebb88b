// This file routes an incoming webhook call to its hook and reads its body,
// counting calls in progress so Close can wait for them.

package hooks

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

const (
	maxPayload = 1 << 20
	// maxHold bounds a timeout answer (in virtual time) in case the caller
	// has no timeout of its own, so no call hangs forever.
	maxHold = time.Hour
)

// route is where a request was sent.
type route struct {
	hook string // empty for loadtester base URLs
	path string // loadtester endpoint; empty for a plain hook URL
}

// routeOf splits /hooks/<escaped name>[/<loadtester path>]. The escaped path
// is split first so a name containing "/" stays whole.
func routeOf(u *url.URL) route {
	rest, hooked := strings.CutPrefix(u.EscapedPath(), "/hooks/")
	if !hooked {
		return route{path: u.Path}
	}
	esc, sub, hasSub := strings.Cut(rest, "/")
	r := route{hook: unescape(esc)}
	if hasSub {
		r.path = "/" + unescape(sub)
	}
	return r
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// input is the decoded request body.
type input struct {
	payload v1beta1.CanaryWebhookPayload
	err     string
}

func readInput(r *http.Request) input {
	body, err := readPayload(r)
	if err != nil {
		return input{err: fmt.Sprintf("reading the payload: %v", err)}
	}
	if p, ok := decodePayload(string(body)); ok {
		return input{payload: p}
	}
	return decodeJSON(body)
}

// decodeJSON reads a payload in any other form with encoding/json; the
// payload it decodes into lives on the heap, the fast path's does not.
func decodeJSON(body []byte) input {
	var in input
	if err := json.Unmarshal(body, &in.payload); err != nil {
		in.err = fmt.Sprintf("the payload is not Flagger's webhook JSON: %v", err)
	}
	return in
}

// readPayload is io.ReadAll(io.LimitReader(r.Body, maxPayload)) into one
// buffer when the request says its length, as the webhook caller's do
// (TestReadPayloadMatchesReadAll).
func readPayload(r *http.Request) ([]byte, error) {
	size := 512 // io.ReadAll's first buffer
	if n := r.ContentLength; n >= 0 && n < maxPayload {
		size = int(n) + 1 // and a byte to see the end
	}
	b := make([]byte, 0, size)
	for len(b) < maxPayload {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Body.Read(b[len(b):min(cap(b), maxPayload)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		refuse(w)
		return
	}
	defer s.inflight.Done()
	if rest, isAlert := strings.CutPrefix(r.URL.EscapedPath(), alertsPrefix); isAlert {
		s.receiveAlert(w, r, rest)
		return
	}
	// Reading the whole body first also lets net/http notice when the caller
	// hangs up, which is what ends a timeout answer.
	rt, in := routeOf(r.URL), readInput(r)
	rep, idx := s.decide(rt, in)
	s.respond(w, r, rep, idx)
}

// enter counts a call in progress unless the server is closing; under the
// lock, so every count happens before Close waits for them.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inflight.Add(1)
	return true
}

// decide picks the reply at the current virtual time and records the call,
// both under the lock, so calls and gate changes are seen in arrival order.
func (s *Server) decide(rt route, in input) (reply, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := s.replyAt(rt, in, s.now)
	rep, state, why := s.task(rt, in, rep)
	c := record(s.now, rt, in, rep)
	c.Task, c.TaskErr = state, why
	s.calls = append(s.calls, c)
	return rep, len(s.calls) - 1
}

// replyAt: the scenario's answer for the hook wins when it says anything
// beyond latency; otherwise the endpoint answers, after that latency.
func (s *Server) replyAt(rt route, in input, now time.Duration) reply {
	o, overridden := s.overrides[rt.hook]
	if overridden && (o.Timeout || o.Refused || o.Status != 0) {
		return faultReply(rt.hook, o)
	}
	b := s.behaviours[rt.hook]
	a := answerAt(b.Answers, now)
	if overridden {
		// A latency-only fault delays whatever the hook would have said.
		a.Latency += o.Latency
	}
	if a.Timeout || a.Refused || a.Status != 0 {
		return scenarioReply(rt.hook, a)
	}
	rep := s.natural(rt, in, b.Gate, now)
	rep.latency, rep.natural = a.Latency, true
	return rep
}

// answerAt is the answer in force at now: the last one starting at or
// before it (answers are sorted by From), or the zero Answer, which leaves
// the endpoint's own answer untouched.
func answerAt(answers []Answer, now time.Duration) Answer {
	var a Answer
	for _, x := range answers {
		if x.From > now {
			break
		}
		a = x
	}
	return a
}

func faultReply(hook string, a Answer) reply {
	body := fmt.Sprintf("rehearse: injected fault for hook %q", hook)
	return reply{status: a.Status, body: body, latency: a.Latency, timeout: a.Timeout, refused: a.Refused}
}

func scenarioReply(hook string, a Answer) reply {
	body := fmt.Sprintf("rehearse: scenario answer for hook %q from %s", hook, a.From)
	return reply{status: a.Status, body: body, latency: a.Latency, timeout: a.Timeout, refused: a.Refused}
}

// natural is the endpoint's own answer: a plain hook approves (or follows
// its gate), a loadtester path behaves like the loadtester.
func (s *Server) natural(rt route, in input, gate *Gate, now time.Duration) reply {
	if rt.hook != "" && rt.path == "" {
		return plainHook(gate, now)
	}
	if ep, found := endpoints[rt.path]; found {
		return ep(s, in, gate, now)
	}
	return task(in)
}

func plainHook(gate *Gate, now time.Duration) reply {
	if gate == nil || gateOpen(gate, nil, now) {
		return ok()
	}
	return forbidden()
}

func record(now time.Duration, rt route, in input, rep reply) Call {
	c := Call{At: now, Hook: rt.hook, Path: rt.path, Phase: string(in.payload.Phase), Status: rep.status, Err: in.err}
	if len(in.payload.Metadata) > 0 {
		// The map was decoded for this call alone and is only read after
		// it, so the record keeps it rather than a copy.
		c.Metadata = in.payload.Metadata
	}
	switch {
	case rep.timeout:
		c.Status, c.Err = 0, join(c.Err, "no answer: held until the caller gave up (scenario timeout)")
	case rep.refused:
		c.Status, c.Err = 0, join(c.Err, "connection closed without an answer (scenario refused)")
	}
	return c
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
