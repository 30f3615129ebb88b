// This file tests the proxy: the weighted split and the mirrored share,
// A/B routing and every kind of match condition, example requests, and,
// over sockets, answers, mirrored copies and the Host the versions see.

package proxy

import (
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func newProxy(t *testing.T, rt Routes, match []v1beta1.HTTPMatchRequest) *Proxy {
	t.Helper()
	p, err := New(Config{Primary: "http://127.0.0.1:1", Canary: "http://127.0.0.1:2", Seed: 42,
		Routes: func() Routes { return rt }, Match: match})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.cancel)
	return p
}

func get(header ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://podinfo.test/", nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

// TestSplitFollowsWeights: over many requests, the canary's share is its
// weight (a fixed seed makes the draws repeatable).
func TestSplitFollowsWeights(t *testing.T) {
	for _, tt := range []struct{ primary, canary int }{{100, 0}, {90, 10}, {80, 20}, {50, 50}, {0, 100}} {
		p := newProxy(t, Routes{Primary: tt.primary, Canary: tt.canary}, nil)
		const n = 20000
		canary := 0
		for range n {
			if d := p.Pick(get()); d.To == Canary {
				canary++
			} else if d.Mirror {
				t.Fatal("mirrored without mirroring on")
			}
		}
		share, want := float64(canary)/n, float64(tt.canary)/100
		if math.Abs(share-want) > 0.01 || (want == 0) != (canary == 0) || (want == 1) != (canary == n) {
			t.Errorf("weights %d/%d: canary share %.4f, want %.2f", tt.primary, tt.canary, share, want)
		}
	}
}

func TestMirrorShare(t *testing.T) {
	p := newProxy(t, Routes{Primary: 100, Mirror: 25}, nil)
	const n = 20000
	mirrored := 0
	for range n {
		d := p.Pick(get())
		if d.To != Primary {
			t.Fatal("mirroring sent a request to the canary")
		}
		if d.Mirror {
			mirrored++
		}
	}
	if share := float64(mirrored) / n; math.Abs(share-0.25) > 0.01 {
		t.Errorf("mirrored share %.4f, want 0.25", share)
	}
}

var insiders = []v1beta1.HTTPMatchRequest{
	{Headers: map[string]v1beta1.StringMatch{"x-canary": {Exact: "insider"}}},
	{Headers: map[string]v1beta1.StringMatch{"cookie": {Regex: "^(.*?;)?(canary=always)(;.*)?$"}}},
}

// TestABRouting: while A/B routing is on, matching requests all go to the
// canary and the others all to the primary, whatever the weights say.
func TestABRouting(t *testing.T) {
	tests := []struct {
		name string
		ab   bool
		req  *http.Request
		want Backend
	}{
		{"insider header", true, get("X-Canary", "insider"), Canary},
		{"cookie among others", true, get("Cookie", "a=1;canary=always;b=2"), Canary},
		{"other header value", true, get("X-Canary", "outsider"), Primary},
		{"no condition", true, get(), Primary},
		{"A/B off: weights (0/100) decide", false, get(), Canary},
	}
	for _, tt := range tests {
		p := newProxy(t, Routes{Primary: 0, Canary: 100, AB: tt.ab}, insiders)
		if d := p.Pick(tt.req); d.To != tt.want {
			t.Errorf("%s: routed to %s, want %s", tt.name, d.To, tt.want)
		}
	}
}

func TestMatchConditions(t *testing.T) {
	sm := func(kind, v string) *v1beta1.StringMatch {
		switch kind {
		case "prefix":
			return &v1beta1.StringMatch{Prefix: v}
		case "suffix":
			return &v1beta1.StringMatch{Suffix: v}
		case "regex":
			return &v1beta1.StringMatch{Regex: v}
		}
		return &v1beta1.StringMatch{Exact: v}
	}
	req := func(method, target string, header ...string) *http.Request {
		r := httptest.NewRequest(method, target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Add(header[i], header[i+1])
		}
		return r
	}
	tests := []struct {
		name string
		m    v1beta1.HTTPMatchRequest
		r    *http.Request
		want bool
	}{
		{"uri prefix", v1beta1.HTTPMatchRequest{URI: sm("prefix", "/api")}, req("GET", "http://x/api/v1"), true},
		{"uri prefix misses", v1beta1.HTTPMatchRequest{URI: sm("prefix", "/api")}, req("GET", "http://x/web"), false},
		{"uri ignoring case", v1beta1.HTTPMatchRequest{URI: sm("exact", "/api"), IgnoreURICase: true}, req("GET", "http://x/API"), true},
		{"method", v1beta1.HTTPMatchRequest{Method: sm("exact", "POST")}, req("GET", "http://x/"), false},
		{"authority suffix", v1beta1.HTTPMatchRequest{Authority: sm("suffix", ".example.com")}, req("GET", "http://app.example.com/"), true},
		{"header regex is anchored", v1beta1.HTTPMatchRequest{Headers: map[string]v1beta1.StringMatch{"user-agent": {Regex: "Firefox"}}},
			req("GET", "http://x/", "User-Agent", "Mozilla Firefox 120"), false},
		{"header regex", v1beta1.HTTPMatchRequest{Headers: map[string]v1beta1.StringMatch{"user-agent": {Regex: ".*Firefox.*"}}},
			req("GET", "http://x/", "User-Agent", "Mozilla Firefox 120"), true},
		{"header presence", v1beta1.HTTPMatchRequest{Headers: map[string]v1beta1.StringMatch{"x-beta": {}}}, req("GET", "http://x/", "X-Beta", "yes"), true},
		{"header absent", v1beta1.HTTPMatchRequest{Headers: map[string]v1beta1.StringMatch{"x-beta": {}}}, req("GET", "http://x/"), false},
		{"all conditions must hold", v1beta1.HTTPMatchRequest{URI: sm("prefix", "/api"), Method: sm("exact", "GET"),
			Headers: map[string]v1beta1.StringMatch{"x-beta": {Exact: "1"}}}, req("GET", "http://x/api", "X-Beta", "2"), false},
		{"without headers", v1beta1.HTTPMatchRequest{WithoutHeaders: map[string]v1beta1.StringMatch{"x-bot": {}}}, req("GET", "http://x/", "X-Bot", "1"), false},
		{"without headers, absent", v1beta1.HTTPMatchRequest{WithoutHeaders: map[string]v1beta1.StringMatch{"x-bot": {}}}, req("GET", "http://x/"), true},
		{"query param", v1beta1.HTTPMatchRequest{QueryParams: map[string]v1beta1.StringMatch{"beta": {Exact: "on"}}}, req("GET", "http://x/?beta=on"), true},
		{"query param missing", v1beta1.HTTPMatchRequest{QueryParams: map[string]v1beta1.StringMatch{"beta": {Exact: "on"}}}, req("GET", "http://x/"), false},
	}
	for _, tt := range tests {
		ms, err := compile([]v1beta1.HTTPMatchRequest{tt.m})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := matches(ms, tt.r); got != tt.want {
			t.Errorf("%s: matches = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestBadRegexIsAnError(t *testing.T) {
	_, err := New(Config{Primary: "http://127.0.0.1:1", Canary: "http://127.0.0.1:2", Routes: func() Routes { return Routes{} },
		Match: []v1beta1.HTTPMatchRequest{{Headers: map[string]v1beta1.StringMatch{"x": {Regex: "("}}}}})
	if err == nil || !strings.Contains(err.Error(), "analysis.match[0]") {
		t.Errorf("err = %v, want the bad condition named", err)
	}
	if _, err := New(Config{Primary: "::", Canary: "http://127.0.0.1:2", Routes: func() Routes { return Routes{} }}); err == nil {
		t.Error("a backend with no URL was accepted")
	}
}

func TestExampleMatches(t *testing.T) {
	conds := [][]v1beta1.HTTPMatchRequest{
		insiders,
		insiders[1:],
		{{Headers: map[string]v1beta1.StringMatch{"user-agent": {Regex: ".*(Firefox|Chrome).*"}}}},
		{{URI: &v1beta1.StringMatch{Prefix: "/beta"}, QueryParams: map[string]v1beta1.StringMatch{"v": {Regex: "[0-9]{2}"}}}},
		{{Headers: map[string]v1beta1.StringMatch{"x-beta": {}}, Method: &v1beta1.StringMatch{Exact: "POST"}}},
	}
	for i, ms := range conds {
		decorate, err := Example(ms)
		if err != nil {
			t.Fatalf("conditions %d: %v", i, err)
		}
		compiled, _ := compile(ms)
		r := get()
		decorate(r)
		if !matches(compiled, r) {
			t.Errorf("conditions %d: the example %v %v does not match", i, r.URL, r.Header)
		}
	}
	if _, err := Example([]v1beta1.HTTPMatchRequest{{Headers: map[string]v1beta1.StringMatch{"x": {Regex: "a\\bb"}}}}); err == nil {
		t.Error("an example for a regex no string matches was accepted")
	}
	if _, err := Example(nil); err == nil {
		t.Error("an example with no condition was accepted")
	}
}

// backend counts the requests a test server receives, with their Host.
type backend struct {
	mu    sync.Mutex
	hosts []string
	got   chan struct{} // one per request received
	srv   *httptest.Server
}

func newBackend(t *testing.T, name string) *backend {
	b := &backend{got: make(chan struct{}, 100)}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.hosts = append(b.hosts, r.Host+" "+string(body))
		b.mu.Unlock()
		b.got <- struct{}{}
		_, _ = io.WriteString(w, name)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *backend) seen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.hosts...)
}

// TestProxyServesAndMirrors goes through sockets: answers come from the
// primary, each request is copied (body included) to the canary with the
// shadow authority, and the Host the client used reaches the versions.
func TestProxyServesAndMirrors(t *testing.T) {
	primary, canary := newBackend(t, "primary"), newBackend(t, "canary")
	p, err := Start(Config{Primary: primary.srv.URL, Canary: canary.srv.URL, Routes: func() Routes { return Routes{Primary: 100, Mirror: 100} }})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		req, _ := http.NewRequest(http.MethodPost, p.URL()+"/", strings.NewReader("hello"))
		req.Host = "podinfo.test"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if string(body) != "primary" {
			t.Fatalf("answered by %q, want the primary", body)
		}
	}
	for range 5 {
		<-canary.got // copies travel on their own; Close would cut one short
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	http.DefaultClient.CloseIdleConnections()
	if got := primary.seen(); len(got) != 5 || got[0] != "podinfo.test hello" {
		t.Errorf("primary saw %v, want 5 requests for podinfo.test", got)
	}
	if got := canary.seen(); len(got) != 5 || got[0] != "podinfo.test-shadow hello" {
		t.Errorf("canary saw %v, want 5 shadow copies with their body", got)
	}
}
