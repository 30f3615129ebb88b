// This file tests the steady load: it reaches the server with the apex
// Host, decorates the requests it is told to, and accounts for each one.

package load

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
)

// TestSteadySendsAndDecorates: a steady load reaches the server with the
// Host asked for, hands each request to Decorate with its own number (so
// exactly the requests Decorate picks carry its header, however many a busy
// machine skips), and accounts for every request it sent once stopped.
func TestSteadySendsAndDecorates(t *testing.T) {
	var mu sync.Mutex
	numbers := map[string]bool{} // request number → it carried the A/B header
	arrived := make(chan struct{}, 1000)
	tg := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "podinfo" {
			t.Errorf("Host %q, want the apex service", r.Host)
		}
		n := r.Header.Get("X-N")
		mu.Lock()
		if _, again := numbers[n]; again || n == "" {
			t.Errorf("request number %q arrived twice or not at all: Decorate must see each request once", n)
		}
		numbers[n] = r.Header.Get("X-Canary") == "insider"
		mu.Unlock()
		select {
		case arrived <- struct{}{}:
		default:
		}
	})
	s := &Steady{URL: tg.srv.URL + "/", Host: "podinfo", Rate: 2000, MaxInFlight: 16,
		Decorate: func(n int64, r *http.Request) {
			r.Header.Set("X-N", strconv.FormatInt(n, 10))
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
	mu.Lock()
	defer mu.Unlock()
	decorated := 0
	for n, insider := range numbers {
		i, _ := strconv.ParseInt(n, 10, 64)
		if insider != (i%10 == 0) {
			t.Errorf("request %d: A/B header %v, want it on exactly every tenth request", i, insider)
		}
		if insider {
			decorated++
		}
	}
	if decorated == 0 {
		t.Errorf("none of %d requests decorated", len(numbers))
	}
	if err := (&Steady{}).Start(); err == nil {
		t.Error("a steady load with no URL and rate started")
	}
}
