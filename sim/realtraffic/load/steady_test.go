// This file tests the steady load: it reaches the server with the apex
// Host, decorates the requests it is told to, and accounts for each one.

package load

import (
	"net/http"
	"sync/atomic"
	"testing"
)

// TestSteadySendsAndDecorates: a steady load reaches the server with the
// Host asked for, decorates the requests Decorate picks, and accounts for
// every request it sent once stopped.
func TestSteadySendsAndDecorates(t *testing.T) {
	var seen, decorated atomic.Int64
	arrived := make(chan struct{}, 1000)
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "podinfo" {
			t.Errorf("Host %q, want the apex service", r.Host)
		}
		seen.Add(1)
		if r.Header.Get("X-Canary") == "insider" {
			decorated.Add(1)
		}
		arrived <- struct{}{}
	})
	s := &Steady{URL: tg.srv.URL + "/", Host: "podinfo", Rate: 2000, MaxInFlight: 16,
		Decorate: func(n int64, r *http.Request) {
			if n%10 == 0 {
				r.Header.Set("X-Canary", "insider")
			}
		}}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		<-arrived
	}
	tot := s.Stop()
	if tot.Sent == 0 || tot.Sent != tot.Answered+tot.NoAnswer {
		t.Errorf("totals %+v: every request sent must be answered or not", tot)
	}
	if d, n := decorated.Load(), seen.Load(); d == 0 || d*10 > n+10 {
		t.Errorf("%d of %d requests decorated, want about one in ten", d, n)
	}
	if err := (&Steady{}).Start(); err == nil {
		t.Error("a steady load with no URL and rate started")
	}
}
