// This file tests real traffic's pure parts: its settings, its clock, the
// scrape interval and the transport that moves queries to a real Prometheus.

package realtraffic

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func TestRealSettings(t *testing.T) {
	start := func(context.Context, []string) (string, error) { return "", nil }
	tests := []struct {
		cfg  Config
		want string // error text, "" for none
	}{
		{Config{}, ""},
		{Config{TimeScale: 0.0001}, "out of range"},
		{Config{TimeScale: 11}, "out of range"},
		{Config{TimeScale: 0.05, Prometheus: start}, "use --time-scale 1"},
		{Config{TimeScale: 1, Prometheus: start}, ""},
	}
	for _, tt := range tests {
		got, err := tt.cfg.withDefaults()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.cfg, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%+v: err = %v, want %q", tt.cfg, err, tt.want)
		case tt.want == "" && (got.TimeScale == 0 || got.MaxRate == 0):
			t.Errorf("%+v: defaults not applied: %+v", tt.cfg, got)
		}
	}
}

func TestWallClock(t *testing.T) {
	v0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w0 := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	c := wallClock{v0: v0, w0: w0, scale: 0.05}
	if got := c.wall(v0.Add(time.Minute)); !got.Equal(w0.Add(3 * time.Second)) {
		t.Errorf("a virtual minute ends at %v, want 3s after the start", got)
	}
	if got := c.virtual(w0.Add(3 * time.Second)); !got.Equal(v0.Add(time.Minute)) {
		t.Errorf("3 wall seconds are %v, want a virtual minute", got)
	}
	past := wallClock{v0: v0, w0: time.Now().Add(-time.Hour), scale: 1}
	if late, err := past.sleepUntil(context.Background(), v0); err != nil || late < time.Hour {
		t.Errorf("sleepUntil a moment an hour past: late %v, err %v; want an hour late", late, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.sleepUntil(ctx, v0.Add(time.Hour)); err == nil {
		t.Error("sleepUntil ignored a cancelled context")
	}
}

func TestScrapeEvery(t *testing.T) {
	cd := func(intervals ...string) *v1beta1.Canary {
		c := &v1beta1.Canary{Spec: v1beta1.CanarySpec{Analysis: &v1beta1.CanaryAnalysis{}}}
		for _, iv := range intervals {
			c.Spec.Analysis.Metrics = append(c.Spec.Analysis.Metrics, v1beta1.CanaryMetric{Name: "m", Interval: iv})
		}
		return c
	}
	tests := []struct {
		cd   *v1beta1.Canary
		want time.Duration
	}{
		{cd(), 15 * time.Second},
		{cd("1m", "30s"), 15 * time.Second},
		{cd("1m", "10s"), 5 * time.Second},
		{cd("1s"), time.Second},
		{cd("5x"), 15 * time.Second},
		{&v1beta1.Canary{}, 15 * time.Second},
	}
	for _, tt := range tests {
		if got := scrapeEvery(tt.cd, 15*time.Second); got != tt.want {
			t.Errorf("scrapeEvery(%v) = %v, want %v", tt.cd.Spec.Analysis, got, tt.want)
		}
	}
}

// roundTripFunc records the request a transport passes on.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestWallTimeProm: a query meant for the embedded Prometheus goes to the
// real one, evaluated at the wall-clock time of its virtual time.
func TestWallTimeProm(t *testing.T) {
	var sent *http.Request
	to, _ := url.Parse("http://127.0.0.1:9090")
	p := &wallTimeProm{from: "127.0.0.1:7777", to: to, offset: func() time.Duration { return time.Hour },
		next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			sent = r
			return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(""))}, nil
		})}
	q := url.Values{"query": {"up"}, "time": {"1767225600.000"}}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:7777/api/v1/query?"+q.Encode(), nil)
	if _, err := p.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if sent.URL.Host != "127.0.0.1:9090" || sent.URL.Path != "/api/v1/query" || sent.URL.Query().Get("time") != "1767229200.000" ||
		sent.URL.Query().Get("query") != "up" {
		t.Errorf("sent %s, want the query on 127.0.0.1:9090 an hour later", sent.URL)
	}
	other, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:8888/x?time=1", nil)
	if _, err := p.RoundTrip(other); err != nil || sent.URL.String() != "http://127.0.0.1:8888/x?time=1" {
		t.Errorf("a request for another host was changed: %s", sent.URL)
	}
}
