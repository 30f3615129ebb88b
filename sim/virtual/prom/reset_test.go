// This file proves that a server emptied by Reset answers, and takes
// samples, bit for bit as a new one does, whatever its last scenario left.

package prom

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
)

// workload is one scenario's use of a server, written down as it goes: each
// answer (the handler's bytes) and each error.
type workload func(t testing.TB, s *Server, log func(format string, args ...any))

// resetWorkloads follow each other on one server. Between them they go
// back and forth in time (a year before the last one's newest sample, and
// four hundred days after it), drop samples for retention, mark series
// stale, load histograms, hand in refs from before the Reset and append
// what a head refuses.
var resetWorkloads = map[string]workload{
	"counters and histograms": func(t testing.TB, s *Server, log func(string, ...any)) {
		log("%v", s.LoadSeries(`http_requests_total{code="200",pod="a"}`, "0+10x40", t0, 15*time.Second))
		log("%v", s.LoadSeries(`http_requests_total{code="500",pod="b"}`, "0+1x20 stale", t0, 15*time.Second))
		log("%v", s.LoadSeries(`latency`, "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}+{{schema:0 sum:2 count:1 buckets:[1]}}x30", t0, 15*time.Second))
		log("%v", s.LoadSeries(`http_requests_total{code="200",pod="a"}`, "1", t0, 15*time.Second)) // out of order
		logAnswers(t, s, log, t0.Add(5*time.Minute), t0.Add(10*time.Minute))
	},
	"retention, far later": func(t testing.TB, s *Server, log func(string, ...any)) {
		start := t0.Add(400 * 24 * time.Hour)
		s.SetRetention(10 * time.Minute)
		ls := []labels.Labels{labels.FromStrings("__name__", "x", "pod", "p"), labels.FromStrings("__name__", "x", "pod", "q")}
		refs := make([]uint64, len(ls))
		for tick := range 200 {
			at := start.Add(time.Duration(tick) * 15 * time.Second)
			err := s.Write(func(b Batch) error {
				for i, l := range ls {
					var err error
					if refs[i], err = b.AppendRef(refs[i], l, at.UnixMilli(), float64(tick*(i+1))); err != nil {
						return err
					}
				}
				return nil
			})
			log("%v", err)
			for _, q := range []string{"sum(rate(x[1m]))", "x offset 20m"} {
				v, err := s.Query(context.Background(), q, at)
				log("%s at %d: %v %v", q, tick, v, err)
			}
		}
		log("%v", s.Append(ls[0], start.UnixMilli(), 1)) // older than retention kept
		logAnswers(t, s, log, start.Add(45*time.Minute), start.Add(49*time.Minute))
	},
	"a year before": func(t testing.TB, s *Server, log func(string, ...any)) {
		start := t0.Add(-366 * 24 * time.Hour)
		for i := range 30 {
			at := start.Add(time.Duration(i) * 5 * time.Second).UnixMilli()
			log("%v", s.Append(labels.FromStrings("__name__", "y", "a", strconv.Itoa(i%3)), at, float64(i)))
		}
		log("%v", s.Append(labels.FromStrings("__name__", "y", "a", "0"), start.UnixMilli(), math.Float64frombits(value.StaleNaN)))
		log("%v", s.Commit())
		logAnswers(t, s, log, start.Add(time.Minute), start.Add(2*time.Minute))
	},
	"stale refs": func(t testing.TB, s *Server, log func(string, ...any)) {
		// Refs of no head, and of another (as a reused server's of its last
		// scenario are, which TestAppendRefNamesOnlyItsSeries checks).
		other := newTestServer(t, Options{}, t0)
		for i := range 50 {
			l := labels.FromStrings("__name__", "z", "n", strconv.Itoa(i))
			ref, err := other.AppendRef(0, labels.FromStrings("__name__", "z", "n", strconv.Itoa(49-i)), t0.UnixMilli(), 2)
			log("%v", err)
			_, err = s.AppendRef(ref, l, t0.UnixMilli(), 1)
			log("%v", err)
			_, err = s.AppendRef(uint64(i), l, t0.Add(time.Second).UnixMilli(), 1)
			log("%v", err)
		}
		log("%v", s.Commit())
		logAnswers(t, s, log, t0, t0.Add(time.Minute))
	},
	"nothing": func(t testing.TB, s *Server, log func(string, ...any)) {
		logAnswers(t, s, log, t0, t0.Add(time.Minute))
	},
}

// logAnswers logs what the handler answers to instant queries at from and to,
// a range query between them, and the engine's values.
func logAnswers(t testing.TB, s *Server, log func(string, ...any), from, to time.Time) {
	h := s.Handler()
	unix := func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
	for _, q := range []string{
		`{__name__=~".+"}`, `sum by (code) (rate(http_requests_total[1m]))`, `histogram_quantile(0.9, rate(latency[1m]))`,
		`count({__name__=~".+"})`, `sort_desc(rate(x[2m]))`, `y[1m]`, `z`, `timestamp(x)`,
	} {
		for _, at := range []time.Time{from, to} {
			r := get(t, h, queryURL("/api/v1/query", q, "time="+unix(at)))
			log("%s at %s: %d %s", q, at, r.status, r.body)
		}
		r := get(t, h, queryURL("/api/v1/query_range", q, "start="+unix(from), "end="+unix(to), "step=15"))
		log("%s from %s: %d %s", q, from, r.status, r.body)
	}
}

// transcript runs w on s.
func transcript(t testing.TB, s *Server, w workload) []string {
	var out []string
	w(t, s, func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) })
	return out
}

func TestResetServerAnswersAsANewOne(t *testing.T) {
	order := []string{"counters and histograms", "retention, far later", "a year before", "stale refs", "nothing", "retention, far later", "counters and histograms"}
	reused := newTestServer(t, Options{NoIsolation: true}, t0)
	isolated := newTestServer(t, Options{}, t0)
	for _, name := range order {
		fresh := transcript(t, newTestServer(t, Options{NoIsolation: true}, t0), resetWorkloads[name])
		for _, s := range []*Server{reused, isolated} {
			if err := s.Reset(); err != nil {
				t.Fatal(err)
			}
			got := transcript(t, s, resetWorkloads[name])
			if len(got) != len(fresh) {
				t.Fatalf("%s: %d answers after Reset, %d from a new server", name, len(got), len(fresh))
			}
			for i := range got {
				if got[i] != fresh[i] {
					t.Fatalf("%s, answer %d after Reset:\n%s\na new server's:\n%s", name, i, got[i], fresh[i])
				}
			}
		}
	}
}
