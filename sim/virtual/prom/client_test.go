// This file tests the server through Prometheus's own Go client and
// Flagger's style of query, in process and over loopback.

package prom

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// client_golang decodes vectors, scalars, matrices and errors from a real
// loopback connection (it has no case for string results, so none is asked).
func TestClientGolangDecodesAnswers(t *testing.T) {
	s := newTestServer(t, Options{}, t0.Add(2*time.Minute))
	load(t, s, [2]string{`up{job="a"}`, "1+1x8"})
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	c, err := api.NewClient(api.Config{Address: base})
	if err != nil {
		t.Fatal(err)
	}
	v1 := promv1.NewAPI(c)
	at := t0.Add(2 * time.Minute)
	tests := []struct {
		query string
		want  string // model.Value's String()
	}{
		{`up`, `up{job="a"} => 9 @[1704067320]`},
		{`1.5`, `scalar: 1.5 @[1704067320]`},
		{`up[30s]`, "up{job=\"a\"} =>\n8 @[1704067305]\n9 @[1704067320]"},
	}
	for _, tt := range tests {
		v, _, err := v1.Query(context.Background(), tt.query, at)
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		if v.String() != tt.want {
			t.Errorf("%s decoded as %q, want %q", tt.query, v.String(), tt.want)
		}
	}
	_, _, err = v1.Query(context.Background(), "sum(", at)
	var apiErr *promv1.Error
	if !asError(err, &apiErr) || apiErr.Type != promv1.ErrBadData {
		t.Errorf("parse error decoded as %v, want bad_data", err)
	}
}

// flaggerAnswer is the shape Flagger's Prometheus provider decodes.
type flaggerAnswer struct {
	Data struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Value  []any             `json:"value"`
		} `json:"result"`
	} `json:"data"`
}

// Flagger asks ./api/v1/query?query=... with no time and reads the last
// series' value as a float.
func TestFlaggerStyleQuery(t *testing.T) {
	s := newTestServer(t, Options{}, t0.Add(time.Minute))
	load(t, s, [2]string{`http_requests_total{code="200"}`, "0+100x4"}, [2]string{`http_requests_total{code="500"}`, "0+1x4"})
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	q := `sum(rate(http_requests_total{code!~"5.."}[1m])) / sum(rate(http_requests_total[1m])) * 100`
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a flaggerAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	if len(a.Data.Result) != 1 || len(a.Data.Result[0].Value) != 2 {
		t.Fatalf("unexpected answer %+v", a)
	}
	got, err := strconv.ParseFloat(a.Data.Result[0].Value[1].(string), 64)
	if want := 100.0 / 101 * 100; err != nil || got < want-1e-9 || got > want+1e-9 {
		t.Errorf("success rate %v (%v), want %v", got, err, want)
	}
	if ts := a.Data.Result[0].Value[0].(float64); model.TimeFromUnixNano(int64(ts*1e9)) != model.TimeFromUnix(t0.Add(time.Minute).Unix()) {
		t.Errorf("evaluated at %v, want the server's clock %v", ts, t0.Add(time.Minute).Unix())
	}
}

// Transport carries the same bytes as the loopback connection, for GET and
// POST, without a listener.
func TestTransportMatchesLoopback(t *testing.T) {
	s := newTestServer(t, Options{}, t0.Add(time.Minute))
	load(t, s, [2]string{`up{job="a"}`, "1+1x4"})
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	inProcess := &http.Client{Transport: s.Transport()}
	form := url.Values{"query": {"up"}}
	tests := []struct {
		name string
		do   func(c *http.Client, base string) (*http.Response, error)
	}{
		{"GET", func(c *http.Client, base string) (*http.Response, error) {
			return c.Get(base + queryURL("/api/v1/query", "up"))
		}},
		{"GET error", func(c *http.Client, base string) (*http.Response, error) {
			return c.Get(base + queryURL("/api/v1/query", "sum("))
		}},
		{"POST form", func(c *http.Client, base string) (*http.Response, error) {
			return c.PostForm(base+"/api/v1/query", form)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus, want := readResponse(t)(tt.do(http.DefaultClient, base))
			gotStatus, got := readResponse(t)(tt.do(inProcess, "http://prometheus.invalid"))
			if gotStatus != wantStatus || got != want {
				t.Errorf("in process: %d %s\nloopback:   %d %s", gotStatus, got, wantStatus, want)
			}
		})
	}
}

func readResponse(t *testing.T) func(*http.Response, error) (int, string) {
	return func(resp *http.Response, err error) (int, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
}
