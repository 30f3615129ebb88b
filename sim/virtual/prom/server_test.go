// This file tests the server's life: Start, Reset and Close.

package prom

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
)

func TestCloseRemovesTemporaryFiles(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadSeries("x", "0+1x1000", t0, time.Second); err != nil {
		t.Fatal(err)
	}
	dir := s.store.dir
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("TSDB directory missing while open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("after Close, stat %s = %v; want it gone", dir, err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

func TestClosedServerRefusesWork(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	calls := map[string]error{
		"Append":     s.Append(labels.FromStrings("__name__", "x"), 0, 1),
		"Commit":     s.Commit(),
		"LoadSeries": s.LoadSeries("x", "1", t0, time.Second),
		"Reset":      s.Reset(),
	}
	_, calls["Query"] = s.Query(context.Background(), "1", t0)
	_, calls["Start"] = s.Start()
	for name, err := range calls {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
	got := get(t, h, queryURL("/api/v1/query", "1"))
	if got.status != http.StatusServiceUnavailable || !strings.Contains(got.body, `"errorType":"unavailable"`) {
		t.Errorf("query after Close: %d %s; want 503 unavailable", got.status, got.body)
	}
}

func TestResetEmptiesStoreAndKeepsAddress(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	// Closing a head writes its full chunks to disk: enough samples for some.
	if err := s.LoadSeries("x", "0+1x1000", t0, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(labels.FromStrings("__name__", "pending"), t0.UnixMilli(), 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(); err != nil {
		t.Fatal(err)
	}
	if n := chunkFiles(t, s); n != 0 {
		t.Errorf("%d chunk files left after Reset, want 0: the next head would replay them", n)
	}
	if err := s.Commit(); err != nil { // the pending sample was dropped, not kept for later
		t.Fatal(err)
	}
	body := httpGet(t, http.DefaultClient, base+queryURL("/api/v1/query", `{__name__=~"x|pending"}`))
	if want := `{"status":"success","data":{"resultType":"vector","result":[]}}`; body != want {
		t.Errorf("after Reset got %s, want %s", body, want)
	}
	load(t, s, [2]string{"x", "2"})
	if n := vectorLen(t, s, "x", t0); n != 1 {
		t.Errorf("after Reset and a new load: %d series, want 1", n)
	}
}

// chunkFiles counts the files of mmapped head chunks.
func chunkFiles(t *testing.T, s *Server) int {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(s.store.dir, "chunks_head"))
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestStartServesOnLoopback(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("base URL %q is not on 127.0.0.1", base)
	}
	if _, err := s.Start(); err == nil {
		t.Error("second Start = nil, want an error")
	}
	resp, err := http.Head(base + "/-/healthy")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength > 0 {
		t.Errorf("HEAD /-/healthy: %d with %d bytes, want 200 and no body", resp.StatusCode, resp.ContentLength)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/-/healthy"); err == nil {
		t.Error("server still answers after Close")
	}
}

func httpGet(t testing.TB, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Appends, commits, direct and HTTP queries at once; run with -race. Each
// tick writes the same value to every series, so every answer must show
// equal values: never a half-committed tick.
func TestConcurrentUse(t *testing.T) {
	const series, ticks = 10, 2000
	s := newTestServer(t, Options{}, t0)
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		defer close(done)
		appendEqualTicks(t, s, series, ticks)
	})
	const spread = "max(g) - min(g)"
	at := t0.Add(time.Hour)
	for range 2 {
		wg.Go(func() {
			for !isDone(done) {
				body := httpGet(t, http.DefaultClient, base+queryURL("/api/v1/query", spread, "time=1704070800"))
				if body != `{"status":"success","data":{"resultType":"vector","result":[]}}` &&
					body != `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1704070800,"0"]}]}}` {
					t.Errorf("torn or failed read over HTTP: %s", body)
				}
			}
		})
	}
	wg.Go(func() {
		for !isDone(done) {
			v, err := s.Query(context.Background(), spread, at)
			if vec, _ := v.(promql.Vector); err != nil || len(vec) > 1 || (len(vec) == 1 && vec[0].F != 0) {
				t.Errorf("torn or failed read: %v %v", v, err)
			}
		}
	})
	wg.Wait()
}

func appendEqualTicks(t *testing.T, s *Server, series, ticks int) {
	for tick := range ticks {
		for i := range series {
			l := labels.FromStrings("__name__", "g", "i", strconv.Itoa(i))
			if err := s.Append(l, t0.UnixMilli()+int64(tick)*1000, float64(tick)); err != nil {
				t.Error(err)
				return
			}
		}
		if err := s.Commit(); err != nil {
			t.Error(err)
			return
		}
	}
}

func isDone(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// The module drops Prometheus's major version: v0.313.5 is Prometheus 3.13.5.
func TestVersionMatchesPrometheusModule(t *testing.T) {
	gomod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := "github.com/prometheus/prometheus v0." + strings.Replace(PrometheusVersion, ".", "", 1)
	found := false
	for _, line := range strings.Split(string(gomod), "\n") {
		// A require line, direct or "// indirect": the version is its second word.
		if f := strings.Fields(line); len(f) >= 2 && f[0]+" "+f[1] == want {
			found = true
		}
	}
	if !found {
		t.Errorf("go.mod does not require %q: update PrometheusVersion (%s) with the module", want, PrometheusVersion)
	}
}
