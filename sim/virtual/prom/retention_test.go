// Tests of retention: what a server keeps of the past, and Reach.

package prom

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestReach(t *testing.T) {
	tests := []struct {
		query string
		want  time.Duration
		ok    bool
	}{
		{`up`, 5 * time.Minute, true}, // the lookback
		{`sum(rate(req_total[1m]))`, time.Minute, true},
		{`rate(req_total[2m] offset 10m)`, 12 * time.Minute, true},
		{`max_over_time(rate(req_total[1m])[30m:1m])`, 31 * time.Minute, true},
		{`histogram_quantile(0.99, sum(rate(dur_bucket[5m])) by (le)) + on() vector(1)`, 5 * time.Minute, true},
		{`rate(req_total[1m] @ 1700000000)`, 0, false},
		{`rate(req_total[1m] @ end())`, 0, false},
		{`sum(rate(req_total[1m]`, 0, false},
	}
	for _, tt := range tests {
		got, ok := Reach(tt.query)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Reach(%s) = %s, %v; want %s, %v", tt.query, got, ok, tt.want, tt.ok)
		}
	}
}

// TestRetentionKeepsAnswersAndRefusesWhatItDropped runs twelve hours of
// one-minute ticks against a server that keeps one hour and one that keeps
// everything: every answer within the hour is identical, the head really
// was truncated, and a query reaching before what was kept fails, saying
// so, instead of answering from partial data.
func TestRetentionKeepsAnswersAndRefusesWhatItDropped(t *testing.T) {
	all := newTestServer(t, Options{NoIsolation: true}, t0)
	kept := newTestServer(t, Options{NoIsolation: true}, t0)
	kept.SetRetention(time.Hour)
	const q = `sum(rate(req_total{code="500"}[1m])) / sum(rate(req_total[1m]))`
	const step = 5 * time.Second
	var at time.Time
	for tick := range 12 * 60 {
		for i := range 12 {
			n := tick*12 + i
			for _, s := range []*Server{all, kept} {
				appendScrape(t, s, t0.Add(time.Duration(n)*step).UnixMilli(), float64(n))
			}
		}
		for _, s := range []*Server{all, kept} {
			if err := s.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		at = t0.Add(time.Duration(tick*12+11) * step)
		a, errA := all.Query(context.Background(), q, at)
		b, errB := kept.Query(context.Background(), q, at)
		if fmt.Sprint(a, errA) != fmt.Sprint(b, errB) {
			t.Fatalf("tick %d: keeping all %v (%v), keeping an hour %v (%v)", tick, a, errA, b, errB)
		}
	}
	if err := kept.withStore(func(st *store) error {
		if age := at.Sub(time.UnixMilli(st.head.MinTime())); age > 2*time.Hour+time.Minute {
			return fmt.Errorf("the head still holds %s of samples, want at most two hours", age)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, err := kept.Query(context.Background(), `sum(rate(req_total[3h]))`, at)
	if err == nil || !strings.Contains(err.Error(), "keeps only the last 1h0m0s") {
		t.Errorf("a query over three hours = %v, want an error saying only an hour is kept", err)
	}
	if _, err := all.Query(context.Background(), `sum(rate(req_total[3h]))`, at); err != nil {
		t.Errorf("keeping everything, a query over three hours failed: %v", err)
	}
	for _, q := range []string{`vector(1)`, `scalar(vector(2)) * 3`, `time()`} { // they select no series
		a, errA := all.Query(context.Background(), q, at)
		b, errB := kept.Query(context.Background(), q, at)
		if errB != nil || fmt.Sprint(a, errA) != fmt.Sprint(b, errB) {
			t.Errorf("%s: keeping all %v (%v), keeping an hour %v (%v)", q, a, errA, b, errB)
		}
	}
}

// TestResetAnswersAsFresh has a server serve a whole run (hours of
// samples, retention, a fault), then Reset it and serve a second run: every
// answer of the second run, as the HTTP API's bytes, is what a fresh server
// gives. Pooled servers rely on it.
func TestResetAnswersAsFresh(t *testing.T) {
	used := newTestServer(t, Options{NoIsolation: true}, t0)
	used.SetRetention(time.Hour)
	run := func(s *Server, hours int, scale float64) []string {
		var bodies []string
		h := s.Handler()
		for tick := range hours * 60 {
			for i := range 12 {
				n := tick*12 + i
				appendScrape(t, s, t0.Add(time.Duration(n)*5*time.Second).UnixMilli(), float64(n)*scale)
			}
			if err := s.Commit(); err != nil {
				t.Fatal(err)
			}
			at := t0.Add(time.Duration(tick*12+11) * 5 * time.Second)
			for _, q := range []string{`sum(rate(req_total{code="500"}[1m])) / sum(rate(req_total[1m]))`,
				`histogram_quantile(0.99, sum(rate(dur_bucket[1m])) by (le))`} {
				bodies = append(bodies, get(t, h, queryURL("/api/v1/query", q, "time="+fmt.Sprint(at.Unix()))).body)
			}
		}
		return bodies
	}
	run(used, 3, 1)
	used.SetFault(Fault{Refuse: true}) // Reset must heal it
	if err := used.Reset(); err != nil {
		t.Fatal(err)
	}
	fresh := newTestServer(t, Options{NoIsolation: true}, t0)
	got, want := run(used, 1, 3), run(fresh, 1, 3)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("answer %d after Reset:\n%s\nfresh:\n%s", i, got[i], want[i])
		}
	}
}
