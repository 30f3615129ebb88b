// This file tests the in-process transport's own answer to instant queries
// against the handler's.

package prom

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// The engine's client sends a check straight to the transport, without
// an http.Client around it, on its promise (see AnswersInProcess).
var _ metrics.InProcessTransport = handlerTransport{}

// TestTransportInstantIsTheHandlers: GET /api/v1/query through Transport
// (which skips the router and the response recorder) answers with the
// status, header and bytes of the handler, for answers and errors alike.
func TestTransportInstantIsTheHandlers(t *testing.T) {
	s := newTestServer(t, Options{}, t0.Add(2*time.Minute))
	load(t, s, [2]string{`up{job="a"}`, "1+1x8"}, [2]string{`up{job="b"}`, "NaN 2 stale"})
	targets := []string{
		queryURL("/api/v1/query", `up`),
		queryURL("/api/v1/query", `sum(rate(up[1m]))`, "time=1704067320.5"),
		queryURL("/api/v1/query", `up`, "limit=1"),
		queryURL("/api/v1/query", `1.5`),
		queryURL("/api/v1/query", `"text"`),
		queryURL("/api/v1/query", `up[30s]`),
		queryURL("/api/v1/query", `histogram_quantile(0.9, up)`),
		queryURL("/api/v1/query", `sum(`),
		queryURL("/api/v1/query", `up`, "time=yesterday"),
		queryURL("/api/v1/query", `up`, "limit=-1"),
		queryURL("/api/v1/query", `up`, "timeout=soon"),
		"/api/v1/query?query=%zz&time=1704067320",
		"/api/v1/query",
		// Parameters as url.ParseQuery reads them: the first of a name, with
		// escaped names, plus signs, and pairs that do not parse skipped.
		"/api/v1/query?query=up&query=vector(2)",
		"/api/v1/query?q%75ery=sum+(up)&time=1704067320",
		"/api/v1/query?query=up;x&query=vector(3)",
		"/api/v1/query?time=%zz&query=up",
		"/api/v1/query?%zz=1&query=up",
		"/api/v1/query?&query=up",
		"/api/v1/query?query=up&time=1704067320&limit=1",
		"/api/v1/query?query=up&&time=1704067320",
	}
	tr := s.Transport()
	for _, target := range targets {
		want := handlerAnswer(t, s.Handler(), target)
		got := roundTrip(t, tr, target)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("GET %s through Transport:\n got %+v\nwant %+v", target, got, want)
		}
	}
}

// answerOf is what a client reads of a response.
type answerOf struct {
	status        string
	code          int
	header        http.Header
	contentLength int64
	body          string
}

func handlerAnswer(t *testing.T, h http.Handler, target string) answerOf {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return readAnswer(t, rec.Result())
}

func roundTrip(t *testing.T, tr http.RoundTripper, target string) answerOf {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://prometheus.invalid"+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	if resp.Request != req {
		t.Errorf("GET %s: the response does not carry its request", target)
	}
	return readAnswer(t, resp)
}

func readAnswer(t *testing.T, resp *http.Response) answerOf {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answerOf{status: resp.Status, code: resp.StatusCode, header: resp.Header,
		contentLength: resp.ContentLength, body: string(body)}
}

// TestTransportBodiesStayTheirOwn: an answer's body reads its own bytes
// while other answers are read and closed, reads nothing once closed, and
// closing it twice hands its recycled buffer to no two later answers.
func TestTransportBodiesStayTheirOwn(t *testing.T) {
	s := newTestServer(t, Options{}, t0.Add(2*time.Minute))
	load(t, s, [2]string{`up{job="a"}`, "1+1x8"}, [2]string{`up{job="b"}`, "NaN 2 stale"})
	tr := s.Transport()
	send := func(q string) *http.Response {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://prometheus.invalid"+queryURL("/api/v1/query", q), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	want := func(q string) string { return handlerAnswer(t, s.Handler(), queryURL("/api/v1/query", q)).body }
	first := send(`up`)
	part := make([]byte, 10)
	if _, err := io.ReadFull(first.Body, part); err != nil {
		t.Fatal(err)
	}
	_ = first.Body.Close()
	_ = first.Body.Close()
	if n, _ := first.Body.Read(part); n != 0 {
		t.Errorf("a closed body read %d bytes", n)
	}
	queries := []string{`vector(2)`, `up{job="a"} * 3`, `count(up)`}
	var resps []*http.Response
	for _, q := range queries {
		resps = append(resps, send(q))
	}
	for i, q := range queries {
		body, err := io.ReadAll(resps[i].Body)
		if err != nil {
			t.Fatal(err)
		}
		_ = resps[i].Body.Close()
		if string(body) != want(q) {
			t.Errorf("%s read %s, want %s", q, body, want(q))
		}
	}
}

// TestFirstValueIsParseQuerys: firstValue, whose query texts are
// remembered unescaped, reads what url.ParseQuery(raw).Get reads, asked
// twice, over seeded random queries of escaped, plus-signed, malformed
// and repeated pairs.
func TestFirstValueIsParseQuerys(t *testing.T) {
	names := []string{"query", "q%75ery", "time", "limit", "%zz", "", "qu;ery", "query+"}
	values := []string{"", "%zz", "%2", "sum+(rate(x%5B1m%5D))", "up", "1704067320.5", "a%26b", "%7B%7d", "a;b", "%", "x=y", "+"}
	rng := rand.New(rand.NewPCG(13, 5))
	for range 3000 {
		var b strings.Builder
		for i := range rng.IntN(5) {
			if i > 0 {
				b.WriteString([]string{"&", "&", "&", "&&", ";"}[rng.IntN(5)])
			}
			b.WriteString(names[rng.IntN(len(names))])
			if rng.IntN(6) > 0 {
				b.WriteString("=" + values[rng.IntN(len(values))])
			}
		}
		raw := b.String()
		want, _ := url.ParseQuery(raw)
		for _, name := range []string{"query", "time", "limit"} {
			for range 2 {
				if got := firstValue(raw, name); got != want.Get(name) {
					t.Fatalf("firstValue(%q, %q) = %q, want %q", raw, name, got, want.Get(name))
				}
			}
		}
	}
}
