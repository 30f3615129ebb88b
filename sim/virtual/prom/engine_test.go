// This file proves that servers sharing one PromQL engine answer as servers
// with an engine each do.

package prom

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestSharedEngineAnswersAsAFreshOne: two servers with the same options
// share an engine, a server with other options gets another, and each,
// queried by turns and at once, answers (bytes, warnings and errors) as a
// server with an engine of its own does over the same samples.
func TestSharedEngineAnswersAsAFreshOne(t *testing.T) {
	data := [][][2]string{
		{{`x{a="1",b="p"}`, "0+1x80"}, {`y{a="1"}`, "2+2x80"}, {`x_bucket{a="b",le="0.1"}`, "0+1x80"}, {`x_bucket{a="b",le="+Inf"}`, "0+4x80"}},
		{{`x{a="2",b="q"}`, "5+3x40"}, {`y{a="1"}`, "1x80"}, {`http_requests_total{code="500",job="y"}`, "0+2x80"}},
		{{`x{a="3",b="r"}`, "7+1x40"}, {`y{a="2"}`, "9x80"}},
	}
	opts := []Options{{}, {}, {LookbackDelta: time.Minute, MaxSamples: 100}}
	var shared, fresh []*Server
	for i, o := range opts {
		s := newTestServer(t, o, t0)
		load(t, s, data[i]...)
		shared = append(shared, s)
		f := newTestServer(t, o, t0)
		load(t, f, data[i]...)
		f.engine = newEngine(f.opts, newMemoParser(f.parser))
		fresh = append(fresh, f)
	}
	if shared[0].engine != shared[1].engine || shared[0].engine == shared[2].engine {
		t.Fatal("servers with the same options do not share an engine, or servers with other options do")
	}
	var wg sync.WaitGroup
	for i := range shared {
		wg.Go(func() {
			for _, target := range sharedEngineTargets() {
				want := recorded(fresh[i].Handler(), target)
				if got := recorded(shared[i].Handler(), target); got != want {
					t.Errorf("server %d, GET %s:\n%+v\nan engine of its own answers\n%+v", i, target, got, want)
				}
			}
		})
	}
	wg.Wait()
}

// sharedEngineTargets ask every node type, at times inside and beyond the
// samples and a minute's lookback, as instant and range queries.
func sharedEngineTargets() []string {
	var out []string
	for _, q := range append(everyNode[:12:12], `sum(rate(x[1m])) / count(y)`, `x_bucket`, `y[5m]`, `rate(x[1m])`) {
		for _, d := range []time.Duration{10 * time.Minute, 20*time.Minute + 30*time.Second, 30 * time.Minute} {
			out = append(out, queryURL("/api/v1/query", q, "time="+strconv.FormatInt(t0.Add(d).Unix(), 10)))
		}
		out = append(out, queryURL("/api/v1/query_range", q, "start="+strconv.FormatInt(t0.Unix(), 10),
			"end="+strconv.FormatInt(t0.Add(25*time.Minute).Unix(), 10), "step="+fmt.Sprint(30)))
	}
	return out
}

// recorded is the handler's answer to GET target, read where a test may
// not stop (get would, off the test's goroutine).
func recorded(h http.Handler, target string) response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return response{status: rec.Code, contentType: rec.Header().Get("Content-Type"), body: rec.Body.String()}
}
