// This file measures the server: queries, appends, ticks, Reset and teardown.

package prom

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/internal/notrace"
)

const (
	benchStep  = 15 * time.Second
	benchQuery = "sum(rate(http_requests_total[1m]))"
)

// benchLabels returns n series of one metric, as one workload's pods.
func benchLabels(n int) []labels.Labels {
	ls := make([]labels.Labels, n)
	for i := range ls {
		ls[i] = labels.FromStrings("__name__", "http_requests_total", "namespace", "test", "pod", "podinfo-"+strconv.Itoa(i))
	}
	return ls
}

// appendTick appends one counter sample per series at tick and commits.
func appendTick(b *testing.B, s *Server, ls []labels.Labels, tick int) {
	t := t0.Add(time.Duration(tick) * benchStep).UnixMilli()
	for i, l := range ls {
		if err := s.Append(l, t, float64(tick*(i+1))); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Commit(); err != nil {
		b.Fatal(err)
	}
}

// loadedServer holds series counters over an hour of 15s ticks.
func loadedServer(b *testing.B, series int) (*Server, time.Time) {
	const ticks = 240
	s := newTestServer(b, Options{}, t0)
	appendTicks(b, s, benchLabels(series), ticks)
	return s, t0.Add((ticks - 1) * benchStep)
}

func BenchmarkNewClose(b *testing.B) {
	for b.Loop() {
		s, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReset is the alternative to New+Close between scenarios.
func BenchmarkReset(b *testing.B) {
	s := newTestServer(b, Options{}, t0)
	for b.Loop() {
		if err := s.Reset(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScenarioTeardown compares both ways of starting the next scenario
// when the last one left 100 series behind (one tick of them, or an hour of
// 15s ticks) and an HTTP listener.
func BenchmarkScenarioTeardown(b *testing.B) {
	ls := benchLabels(100)
	for _, ticks := range []int{1, 240} {
		b.Run(fmt.Sprintf("New+Start+Close/ticks=%d", ticks), func(b *testing.B) {
			for b.Loop() {
				s, err := New(Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.Start(); err != nil {
					b.Fatal(err)
				}
				appendTicks(b, s, ls, ticks)
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("Reset/ticks=%d", ticks), func(b *testing.B) {
			s := newTestServer(b, Options{}, t0)
			if _, err := s.Start(); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				appendTicks(b, s, ls, ticks)
				if err := s.Reset(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func appendTicks(b *testing.B, s *Server, ls []labels.Labels, ticks int) {
	for tick := range ticks {
		appendTick(b, s, ls, tick)
	}
}

// BenchmarkAppendCommitTick appends one tick's worth of samples (100
// series) and commits them.
func BenchmarkAppendCommitTick(b *testing.B) {
	s := newTestServer(b, Options{}, t0)
	ls := benchLabels(100)
	tick := 0
	for b.Loop() {
		appendTick(b, s, ls, tick)
		tick++
	}
}

func BenchmarkQuerySumRate(b *testing.B) {
	for _, series := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("series=%d", series), func(b *testing.B) {
			s, at := loadedServer(b, series)
			ctx := context.Background()
			for b.Loop() {
				if _, err := s.Query(ctx, benchQuery, at); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandlerSumRate is the HTTP path without the network: parameter
// parsing, evaluation and JSON encoding.
func BenchmarkHandlerSumRate(b *testing.B) {
	s, at := loadedServer(b, 10)
	h := s.Handler()
	target := queryURL("/api/v1/query", benchQuery, "time="+strconv.FormatInt(at.Unix(), 10))
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Body.String())
		}
	}
}

// BenchmarkHTTPQuerySumRate is what the engine's client pays: a real
// loopback connection, kept alive between queries.
func BenchmarkHTTPQuerySumRate(b *testing.B) {
	for _, series := range []int{10, 100} {
		b.Run(fmt.Sprintf("series=%d", series), func(b *testing.B) {
			s, at := loadedServer(b, series)
			base, err := s.Start()
			if err != nil {
				b.Fatal(err)
			}
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			defer client.CloseIdleConnections()
			u := base + queryURL("/api/v1/query", benchQuery, "time="+strconv.FormatInt(at.Unix(), 10))
			for b.Loop() {
				mustGet(b, client, u)
			}
		})
	}
}

// BenchmarkTick is one virtual tick of a sweep: append and commit 100
// series, then one query over HTTP.
func BenchmarkTick(b *testing.B) {
	s := newTestServer(b, Options{}, t0)
	base, err := s.Start()
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	ls := benchLabels(100)
	tick := 0
	for b.Loop() {
		appendTick(b, s, ls, tick)
		at := t0.Add(time.Duration(tick) * benchStep)
		mustGet(b, client, base+queryURL("/api/v1/query", benchQuery, "time="+strconv.FormatInt(at.Unix(), 10)))
		tick++
	}
}

func mustGet(b *testing.B, c *http.Client, u string) {
	resp, err := c.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
}

// BenchmarkTransportSumRate is the HTTP client path without the network,
// through Transport.
func BenchmarkTransportSumRate(b *testing.B) {
	s, at := loadedServer(b, 10)
	client := &http.Client{Transport: s.Transport()}
	u := "http://prometheus.invalid" + queryURL("/api/v1/query", benchQuery, "time="+strconv.FormatInt(at.Unix(), 10))
	for b.Loop() {
		mustGet(b, client, u)
	}
}

// BenchmarkWriteTick is a feeder's tick: 100 series appended by ref and
// committed, one call per sample or one Write for all of them.
func BenchmarkWriteTick(b *testing.B) {
	ls := benchLabels(100)
	b.Run("AppendRef+Commit", func(b *testing.B) {
		s := newTestServer(b, Options{}, t0)
		refs := make([]uint64, len(ls))
		tick := 0
		for b.Loop() {
			t := t0.Add(time.Duration(tick) * benchStep).UnixMilli()
			for i, l := range ls {
				var err error
				if refs[i], err = s.AppendRef(refs[i], l, t, float64(tick*(i+1))); err != nil {
					b.Fatal(err)
				}
			}
			if err := s.Commit(); err != nil {
				b.Fatal(err)
			}
			tick++
		}
	})
	b.Run("Write", func(b *testing.B) {
		s := newTestServer(b, Options{}, t0)
		refs := make([]uint64, len(ls))
		tick := 0
		for b.Loop() {
			t := t0.Add(time.Duration(tick) * benchStep).UnixMilli()
			err := s.Write(func(app Batch) error {
				for i, l := range ls {
					var err error
					if refs[i], err = app.AppendRef(refs[i], l, t, float64(tick*(i+1))); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			tick++
		}
	})
}

// builtinQueries are the two checks of a library rehearsal, as the engine
// renders them for the http observer: a success ratio and a P99, each
// selecting pods by a regular expression.
var builtinQueries = []string{
	`sum(rate(http_request_duration_seconds_count{kubernetes_namespace="test",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)",status!~"5.*"}[1m])) / sum(rate(http_request_duration_seconds_count{kubernetes_namespace="test",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) * 100`,
	`histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket{kubernetes_namespace="test",kubernetes_pod_name=~"podinfo-[0-9a-zA-Z]+(-[0-9a-zA-Z]+)"}[1m])) by (le))`,
}

// builtinServer holds ten minutes of 5s scrapes of two pods' request
// counters and latency buckets, as a library rehearsal writes them.
func builtinServer(b *testing.B) (*Server, time.Time) {
	s := newTestServer(b, Options{NoIsolation: true}, t0)
	var ls []labels.Labels
	for _, pod := range []string{"podinfo-7d9f8-abcde", "podinfo-7d9f8-fghij"} {
		base := []string{"kubernetes_namespace", "test", "kubernetes_pod_name", pod}
		for _, status := range []string{"200", "500"} {
			ls = append(ls, labels.FromStrings(append([]string{"__name__", "http_request_duration_seconds_count", "status", status}, base...)...))
		}
		for _, le := range []string{"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"} {
			ls = append(ls, labels.FromStrings(append([]string{"__name__", "http_request_duration_seconds_bucket", "le", le}, base...)...))
		}
	}
	const ticks = 120
	for tick := range ticks {
		t := t0.Add(time.Duration(tick) * 5 * time.Second).UnixMilli()
		for i, l := range ls {
			if err := s.Append(l, t, float64(tick*(i+1))); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := s.Commit(); err != nil {
		b.Fatal(err)
	}
	return s, t0.Add((ticks - 1) * 5 * time.Second)
}

// BenchmarkBuiltinChecks is one tick's checks of a library rehearsal: both
// builtin queries through Transport, as the engine's client asks them.
func BenchmarkBuiltinChecks(b *testing.B) {
	s, at := builtinServer(b)
	client := &http.Client{Transport: s.Transport()}
	var urls []string
	for _, q := range builtinQueries {
		urls = append(urls, "http://prometheus.invalid"+queryURL("/api/v1/query", q, "time="+strconv.FormatInt(at.Unix(), 10)))
	}
	for b.Loop() {
		for _, u := range urls {
			mustGet(b, client, u)
		}
	}
}

// BenchmarkEngineClientChecks is BenchmarkBuiltinChecks as the engine asks
// them: its Prometheus client (request, answer, decoding) through
// Transport, with the no-op tracer the rehearse command installs.
func BenchmarkEngineClientChecks(b *testing.B) {
	notrace.Install()
	s, at := builtinServer(b)
	p, err := metrics.NewPrometheus(metrics.PrometheusConfig{Address: "http://prometheus.invalid", Client: &http.Client{Transport: s.Transport()}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		for _, q := range builtinQueries {
			if _, err := p.RunQuery(ctx, q, at); err != nil {
				b.Fatal(err)
			}
		}
	}
}
