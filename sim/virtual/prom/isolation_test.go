// Tests that a server without isolation, as runs in virtual time use,
// answers exactly as a stock one does.

package prom

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

// TestNoIsolationAnswersAsStock appends the same hours of counters and
// histogram buckets, commit by commit, to a stock server and to one without
// isolation, and asks both the same queries after every commit: the answers
// must be identical, byte for byte.
func TestNoIsolationAnswersAsStock(t *testing.T) {
	stock := newTestServer(t, Options{}, t0)
	bare := newTestServer(t, Options{NoIsolation: true}, t0)
	queries := []string{
		`sum(rate(req_total{code!~"5.."}[1m])) / sum(rate(req_total[1m])) * 100`,
		`histogram_quantile(0.99, sum(rate(dur_bucket[1m])) by (le))`,
		`max_over_time(req_total[30m:1m])`,
	}
	const step = 5 * time.Second
	for tick := range 3 * 60 { // three hours of one-minute ticks
		for i := range 12 {
			at := t0.Add(time.Duration(tick*12+i) * step).UnixMilli()
			n := float64(tick*12 + i)
			for _, s := range []*Server{stock, bare} {
				appendScrape(t, s, at, n)
			}
		}
		for _, s := range []*Server{stock, bare} {
			if err := s.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		at := t0.Add(time.Duration(tick*12+11) * step)
		for _, q := range queries {
			a, errA := stock.Query(context.Background(), q, at)
			b, errB := bare.Query(context.Background(), q, at)
			if fmt.Sprint(a, errA) != fmt.Sprint(b, errB) {
				t.Fatalf("tick %d, %s: stock %v (%v), without isolation %v (%v)", tick, q, a, errA, b, errB)
			}
		}
	}
}

func appendScrape(t *testing.T, s *Server, at int64, n float64) {
	t.Helper()
	for _, code := range []string{"200", "500"} {
		if err := s.Append(labels.FromStrings("__name__", "req_total", "code", code), at, n*10); err != nil {
			t.Fatal(err)
		}
	}
	for i, le := range []string{"0.1", "0.5", "+Inf"} {
		if err := s.Append(labels.FromStrings("__name__", "dur_bucket", "le", le), at, n*float64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
}
