// Tests of AppendRef: a ref spares a lookup and never names the wrong series.

package prom

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

func TestAppendRefNamesOnlyItsSeries(t *testing.T) {
	a := newTestServer(t, Options{}, t0)
	b := newTestServer(t, Options{}, t0)
	x, y := labels.FromStrings("__name__", "x"), labels.FromStrings("__name__", "y")
	at := func(i int) int64 { return t0.Add(time.Duration(i) * 5 * time.Second).UnixMilli() }
	refX, err := a.AppendRef(0, x, at(0), 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AppendRef(0, y, at(0), 100); err != nil {
		t.Fatal(err)
	}
	if refX == 0 {
		t.Fatal("AppendRef handed back no ref")
	}
	// x's ref given with y's labels in another server, whose first series
	// (the id x has in a) is z, and after a Reset of a: the labels decide,
	// never the stale ref.
	if _, err := b.AppendRef(0, labels.FromStrings("__name__", "z"), at(0), 3); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AppendRef(refX, y, at(1), 7); err != nil {
		t.Fatal(err)
	}
	if again, err := a.AppendRef(refX, x, at(1), 2); err != nil || again != refX {
		t.Fatalf("AppendRef(ref of x) = %d, %v; want the same ref %d", again, err, refX)
	}
	for _, s := range []*Server{a, b} {
		if err := s.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if got, z := answer(t, b, "y"), answer(t, b, "z"); got != "7" || z != "3" {
		t.Errorf("another server's ref: y = %s, z = %s; want 7 and 3", got, z)
	}
	if got := answer(t, a, "x"); got != "2" {
		t.Errorf("x = %s, want 2", got)
	}
	if err := a.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AppendRef(refX, y, at(2), 9); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, gotX := answer(t, a, "y"), answer(t, a, "x"); got != "9" || gotX != "" {
		t.Errorf("after Reset, a stale ref with y's labels: y = %s, x = %q; want 9 and no x", got, gotX)
	}
}

// answer is the value of a one-series instant query a minute after t0, or
// "" when there is none.
func answer(t *testing.T, s *Server, q string) string {
	t.Helper()
	v, err := s.Query(context.Background(), q, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	s2 := fmt.Sprint(v)
	if s2 == "" {
		return ""
	}
	var name string
	var f float64
	if _, err := fmt.Sscanf(s2, "%s => %g", &name, &f); err != nil {
		t.Fatalf("parse %q: %v", s2, err)
	}
	return fmt.Sprint(f)
}
