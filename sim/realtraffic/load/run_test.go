// This file runs hey in-process against loopback servers: every request
// counted with its answer, -z scaled to the clock, the limits' plans, Stop
// abandoning requests in flight, and a bad header refused.

package load

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// target is a loopback server that records what hey sent it.
type target struct {
	mu   sync.Mutex
	seen []string
	srv  *httptest.Server
	hold chan struct{} // closed to let held requests go
}

func newTarget(t *testing.T, handle func(w http.ResponseWriter, r *http.Request)) *target {
	tg := &target{hold: make(chan struct{})}
	tg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		tg.mu.Lock()
		tg.seen = append(tg.seen, r.Method+" "+r.Host+r.URL.RequestURI()+" "+r.Header.Get("X-Test")+" "+r.Header.Get("Content-Type")+" "+string(body))
		tg.mu.Unlock()
		handle(w, r)
	}))
	t.Cleanup(tg.srv.Close)
	return tg
}

func (tg *target) addr() string { return strings.TrimPrefix(tg.srv.URL, "http://") }

func (tg *target) requests() []string {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return append([]string(nil), tg.seen...)
}

func mustParse(t *testing.T, cmd string) *Hey {
	t.Helper()
	h, err := ParseHey(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestRunCountsEveryRequest: hey -n runs its requests against the loopback
// address in place of the URL's host, keeping the Host, method, headers and
// body, and the result has one answer per request with its status.
func TestRunCountsEveryRequest(t *testing.T) {
	n := 0
	var mu sync.Mutex
	tg := newTarget(t, func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		n++
		code := 200
		if n%4 == 0 {
			code = 503
		}
		mu.Unlock()
		w.WriteHeader(code)
	})
	h := mustParse(t, `hey -n 20 -c 2 -m POST -H "X-Test: yes" -T text/plain -d hi http://podinfo-canary.test:9898/api?x=1`)
	r, err := Start(h, tg.addr(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Started) != 20 || len(res.Answered) != 20 {
		t.Fatalf("%d started and %d answered, want 20 and 20", len(res.Started), len(res.Answered))
	}
	st := res.Stats(res.Started[0], res.Started[19].Add(time.Nanosecond))
	if st.Requests != 20 || st.Status["200"] != 15 || st.Status["503"] != 5 || st.Errors != 0 {
		t.Errorf("stats %+v, want 20 requests: 15 × 200, 5 × 503", st)
	}
	want := "POST podinfo-canary.test:9898/api?x=1 yes text/plain hi"
	if got := tg.requests(); got[0] != want {
		t.Errorf("the server saw %q, want %q", got[0], want)
	}
}

// TestDurationScalesWithTheClock: -z 1m at time scale 0.001 runs 60ms of
// wall time at the asked rate, then stops by itself.
func TestDurationScalesWithTheClock(t *testing.T) {
	tg := newTarget(t, func(http.ResponseWriter, *http.Request) {})
	r, err := Start(mustParse(t, "hey -z 1m -q 100 -c 2 http://podinfo/"), tg.addr(), Limits{TimeScale: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Wait() // returns: the run ended by itself
	if err != nil {
		t.Fatal(err)
	}
	// 2 workers × 100/s × 60ms is 12 requests; the count cap leaves room
	// for 1.5 times that, so the duration, not the count, ended the run.
	if n := len(res.Started); n == 0 || n >= 20 {
		t.Errorf("%d requests in a 60ms run at 200/s", n)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		cmd   string
		lim   Limits
		plan  plan
		notes string
	}{
		{"hey -z 1m -q 10 -c 2 http://x/", Limits{TimeScale: 0.05}, plan{rate: 20, wall: 3 * time.Second, n: 92}, ""},
		{"hey -z 1h -q 10 -c 2 http://x/", Limits{TimeScale: 0.05}, plan{rate: 20, wall: 30 * time.Second, n: 902}, "-z 1h0m0s cut to 10m0s"},
		{"hey -z 1m -c 4 http://x/", Limits{TimeScale: 1, MaxRate: 100}, plan{rate: 100, wall: time.Minute, n: 9004}, "rate limited to 100 requests/s (asked: no -q"},
		{"hey -n 500000 -c 50 http://x/", Limits{TimeScale: 1}, plan{rate: 1000, wall: 10 * time.Minute, n: 200000}, "-n 500000 cut to 200000"},
		{"hey -n 100 -c 5 -q 1 http://x/", Limits{TimeScale: 1}, plan{rate: 5, wall: 10 * time.Minute, n: 100}, ""},
	}
	for _, tt := range tests {
		r := &Run{}
		got := r.plan(mustParse(t, tt.cmd), tt.lim.withDefaults())
		if got != tt.plan {
			t.Errorf("%s: plan %+v, want %+v", tt.cmd, got, tt.plan)
		}
		if notes := strings.Join(r.Notes(), "; "); !strings.Contains(notes, tt.notes) || (tt.notes == "") != (notes == "") {
			t.Errorf("%s: notes %q, want %q", tt.cmd, notes, tt.notes)
		}
	}
}

// TestStopAbandonsRequestsInFlight: Stop ends a run whose requests hang;
// they count as started and unanswered (the test would hang otherwise).
func TestStopAbandonsRequestsInFlight(t *testing.T) {
	arrived := make(chan struct{}, 10)
	tg := newTarget(t, func(_ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	r, err := Start(mustParse(t, "hey -z 10m -c 2 -t 600 http://podinfo/"), tg.addr(), Limits{TimeScale: 1})
	if err != nil {
		t.Fatal(err)
	}
	<-arrived
	r.Stop()
	r.Stop() // twice is harmless
	res, err := r.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Started) == 0 || len(res.Answered) != 0 {
		t.Errorf("%d started, %d answered; want some started, none answered", len(res.Started), len(res.Answered))
	}
}

func TestBadHeaderIsRefused(t *testing.T) {
	h := mustParse(t, `hey -n 2 -c 1 -H "no colon" http://podinfo/`)
	if _, err := Start(h, "127.0.0.1:1", Limits{}); err == nil || !strings.Contains(err.Error(), "Name: value") {
		t.Errorf("err = %v, want the header format named", err)
	}
}
