// This file tests the Prometheus client against a fake server: answers of every shape, the request
// sent, authentication, configuration errors, secrets kept out of errors, timeouts and IsOnline.

package metrics

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// at is a fixed evaluation time: 2026-01-02T03:04:05.678Z.
var at = time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC)

const atParam = "1767323045.678"

// request is what a fake Prometheus saw.
type request struct {
	path, query, time, auth, header string
}

// fakeProm answers every query with the same status and body and records
// what it was asked.
func fakeProm(t *testing.T, status int, body string) (*httptest.Server, *[]request) {
	t.Helper()
	var seen []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, request{path: r.URL.Path, query: r.URL.Query().Get("query"), time: r.URL.Query().Get("time"),
			auth: r.Header.Get("Authorization"), header: r.Header.Get("X-Scope-OrgID")})
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func vectorBody(values ...string) string {
	var parts []string
	for i, v := range values {
		parts = append(parts, `{"metric":{"i":"`+string(rune('a'+i))+`"},"value":[1767323045.678,"`+v+`"]}`)
	}
	return `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join(parts, ",") + `]}}`
}

func TestRunQueryResults(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		want    float64
		wantErr error  // checked with errors.Is
		errText string // or checked as a substring
	}{
		{name: "vector", status: 200, body: vectorBody("99.5"), want: 99.5},
		{name: "last series wins", status: 200, body: vectorBody("1", "2", "3"), want: 3},
		{name: "scalar", status: 200, body: `{"status":"success","data":{"resultType":"scalar","result":[1767323045.678,"42"]}}`, want: 42},
		{name: "infinity is a value", status: 200, body: vectorBody("+Inf"), want: posInf},
		{name: "empty vector", status: 200, body: vectorBody(), wantErr: ErrNoValuesFound},
		{name: "NaN", status: 200, body: vectorBody("NaN"), wantErr: ErrNoValuesFound},
		{name: "last series NaN", status: 200, body: vectorBody("5", "NaN"), wantErr: ErrNoValuesFound},
		{name: "no data at all", status: 200, body: `{"status":"success"}`, wantErr: ErrNoValuesFound},
		{name: "matrix", status: 200, body: `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"2"]]}]}}`, wantErr: ErrMultipleValuesReturned},
		{name: "string result", status: 200, body: `{"status":"success","data":{"resultType":"string","result":[1,"x"]}}`, errText: "string result"},
		{name: "value not a number", status: 200, body: vectorBody("abc"), errText: `"abc" is not a number`},
		{name: "server error names status and body", status: 500, body: `{"status":"error","error":"boom"}`, errText: `500 Internal Server Error: "{\"status\":\"error\",\"error\":\"boom\"}"`},
		{name: "bad query", status: 400, body: `{"status":"error","errorType":"bad_data","error":"parse error"}`, errText: "400 Bad Request"},
		{name: "long body is cut", status: 503, body: strings.Repeat("x", 1000), errText: `xxx"...`},
		{name: "malformed JSON", status: 200, body: `{"status":`, errText: "not the JSON"},
		{name: "HTML from a proxy", status: 200, body: `<html>login</html>`, errText: "<html>login</html>"},
		{name: "status error in a 200", status: 200, body: `{"status":"error","error":"too many samples"}`, errText: "too many samples"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeProm(t, tt.status, tt.body)
			p, err := NewPrometheus(PrometheusConfig{Address: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.RunQuery(context.Background(), "up", at)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("RunQuery() error = %v, want %v", err, tt.wantErr)
				}
			case tt.errText != "":
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("RunQuery() error = %v, want one containing %s", err, tt.errText)
				}
				if errors.Is(err, ErrNoValuesFound) {
					t.Fatalf("RunQuery() error %v must not read as no values", err)
				}
			case err != nil || got != tt.want:
				t.Fatalf("RunQuery() = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

var posInf = func() float64 { var z float64; return 1 / z }()

func TestRunQueryRequest(t *testing.T) {
	srv, seen := fakeProm(t, 200, vectorBody("1"))
	p, err := NewPrometheus(PrometheusConfig{Address: srv.URL + "/prom/?ignored=1",
		Headers: map[string][]string{"X-Scope-OrgID": {"tenant-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	query := "sum(\n\t\trate(x[1m])\n\t)  /  2"
	for range 2 { // twice: the shared header must not grow
		if _, err := p.RunQuery(context.Background(), query, at); err != nil {
			t.Fatal(err)
		}
	}
	want := request{path: "/prom/api/v1/query", query: "sum( rate(x[1m]) ) / 2", time: atParam, header: "tenant-1"}
	for _, got := range *seen {
		if got != want {
			t.Fatalf("request = %+v, want %+v", got, want)
		}
	}
}

// TestQueryURLIsTheEncodedForm: the query's URL is the one url.Values
// encodes, whatever the query holds.
func TestQueryURLIsTheEncodedForm(t *testing.T) {
	p := &Prometheus{endpoint: "http://prom:9090/api/v1/query"}
	for _, q := range []string{"up", `sum(rate(x{a=~"b|c",d!="e f"}[1m])) / 2`, "a+b&c=d#e?f%g", "ü\t;", ""} {
		for _, when := range []time.Time{at, time.UnixMilli(-1500), time.UnixMilli(0)} {
			want := p.endpoint + "?" + url.Values{"query": {q}, "time": {evalTime(when)}}.Encode()
			if got := p.queryURL(q, when); got != want {
				t.Errorf("queryURL(%q, %v) = %s, want %s", q, when, got, want)
			}
		}
	}
}

// TestQueryEscapeIsURLs: appendQueryEscape writes every byte, and seeded
// random strings, as url.QueryEscape does.
func TestQueryEscapeIsURLs(t *testing.T) {
	var all []byte
	for c := range 256 {
		all = append(all, byte(c))
	}
	texts := []string{"", string(all), `sum(rate(x{a=~"b|c"}[1m])) * 100`}
	rng := rand.New(rand.NewPCG(13, 11))
	for range 2000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		if got, want := string(appendQueryEscape([]byte("x"), s)), "x"+url.QueryEscape(s); got != want {
			t.Fatalf("appendQueryEscape(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestRequestIsNewRequests: a query's request is the one
// http.NewRequestWithContext builds for its URL, with the shared header.
func TestRequestIsNewRequests(t *testing.T) {
	p, err := NewPrometheus(PrometheusConfig{Address: "https://user:pw@prom.example:443/a%2Fb/?x=1#f",
		Headers: map[string][]string{"X-Scope-OrgID": {"tenant-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), request{}, 1)
	for _, q := range []string{"up", "sum(rate(x[1m])) / 2 + a&b"} {
		got := p.newRequest(ctx, q, at)
		want, err := http.NewRequestWithContext(ctx, http.MethodGet, p.queryURL(q, at), nil)
		if err != nil {
			t.Fatal(err)
		}
		want.Header = p.request.Header
		gotURL, wantURL := *got.URL, *want.URL
		gotURL.User, wantURL.User = nil, nil // pointers: compared by their String
		if got.URL.String() != want.URL.String() || gotURL != wantURL || got.Host != want.Host ||
			got.Method != want.Method || got.Proto != want.Proto || got.Body != nil || got.ContentLength != 0 ||
			got.Context() != ctx || got.Header.Get("X-Scope-OrgID") != "tenant-1" {
			t.Errorf("request for %q = %+v (URL %+v), want %+v (URL %+v)", q, got, got.URL, want, want.URL)
		}
	}
	if *p.newRequest(ctx, "a", at).URL == *p.newRequest(ctx, "b", at).URL {
		t.Error("two queries' requests share their URL")
	}
}

// TestReadLimitedIsReadAll: readLimited reads what
// io.ReadAll(io.LimitReader(r, limit)) reads, a byte at a time or at once,
// into a buffer with room or none.
func TestReadLimitedIsReadAll(t *testing.T) {
	body := strings.Repeat("0123456789", 700)
	for _, limit := range []int{0, 1, 511, 512, 2048, 6999, 7000, 7001, 1 << 20} {
		for _, cp := range []int{0, 3, 2048} {
			for _, oneByte := range []bool{false, true} {
				reader := func() io.Reader {
					if oneByte {
						return iotest.OneByteReader(strings.NewReader(body))
					}
					return strings.NewReader(body)
				}
				want, _ := io.ReadAll(io.LimitReader(reader(), int64(limit)))
				got, err := readLimited(reader(), make([]byte, 0, cp), limit)
				if err != nil || string(got) != string(want) {
					t.Errorf("limit %d, cap %d, one byte %v: read %d bytes (%v), want %d", limit, cp, oneByte, len(got), err, len(want))
				}
			}
		}
	}
	failing := iotest.TimeoutReader(iotest.OneByteReader(strings.NewReader(body)))
	if got, err := readLimited(failing, nil, 100); err == nil || string(got) != "0" {
		t.Errorf("a failing reader read %q, %v; want its first byte and its error", got, err)
	}
}

func TestRunQueryAuth(t *testing.T) {
	tests := []struct {
		name  string
		creds map[string][]byte
		want  string
	}{
		{"no secret", nil, ""},
		{"bearer", map[string][]byte{"token": []byte("s3cr3t-token")}, "Bearer s3cr3t-token"},
		{"token wins over basic", map[string][]byte{"token": []byte("tok"), "username": []byte("u")}, "Bearer tok"},
		{"basic", map[string][]byte{"username": []byte("admin"), "password": []byte("hunter2")}, "Basic YWRtaW46aHVudGVyMg=="},
		{"empty password sends nothing", map[string][]byte{"username": []byte("admin"), "password": nil}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := fakeProm(t, 200, vectorBody("1"))
			p, err := NewPrometheus(PrometheusConfig{Address: srv.URL, Credentials: tt.creds})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.RunQuery(context.Background(), "up", at); err != nil {
				t.Fatal(err)
			}
			if got := (*seen)[0].auth; got != tt.want {
				t.Fatalf("Authorization = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewPrometheusErrors(t *testing.T) {
	tests := []struct {
		name, address string
		creds         map[string][]byte
		want          string
	}{
		{"empty address", "", nil, "is not an http(s) URL"},
		{"no scheme", "prometheus:9090", nil, "is not an http(s) URL"},
		{"no host", "http://", nil, "is not an http(s) URL"},
		{"password in a bad address is hidden", "ftp://u:hunter2@x", nil, "xxxxx"},
		{"secret without username", "http://p:9090", map[string][]byte{"password": []byte("hunter2")}, `"username"`},
		{"secret without password", "http://p:9090", map[string][]byte{"username": []byte("admin")}, `"password"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPrometheus(PrometheusConfig{Address: tt.address, Credentials: tt.creds})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewPrometheus() error = %v, want one containing %s", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error leaks a secret: %v", err)
			}
		})
	}
}

// TestSecretsStayOutOfErrors fails requests every way we can and checks
// that neither the token, the password, nor a header value appears.
func TestSecretsStayOutOfErrors(t *testing.T) {
	srv, _ := fakeProm(t, 401, `unauthorized`)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	configs := []PrometheusConfig{
		{Address: srv.URL, Credentials: map[string][]byte{"token": []byte("tok-hunter2")}},
		{Address: srv.URL, Credentials: map[string][]byte{"username": []byte("u"), "password": []byte("hunter2")}},
		{Address: closed.URL, Credentials: map[string][]byte{"token": []byte("tok-hunter2")}},
		{Address: strings.Replace(closed.URL, "http://", "http://u:hunter2@", 1)},
		{Address: closed.URL, Headers: map[string][]string{"X-Api-Key": {"hunter2"}}},
	}
	for i, cfg := range configs {
		p, err := NewPrometheus(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.RunQuery(context.Background(), "up", at)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("config %d: error = %v, want an error without the secret", i, err)
		}
	}
}

func TestRunQueryTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers only when the client gives up
	}))
	t.Cleanup(srv.Close)
	p, err := NewPrometheus(PrometheusConfig{Address: srv.URL, Timeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.RunQuery(context.Background(), "up", at)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("RunQuery() error = %v, want a deadline error", err)
	}
}

func TestIsOnline(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   bool
	}{
		{"answers 1", 200, vectorBody("1"), true},
		{"answers 0", 200, vectorBody("0"), false},
		{"empty", 200, vectorBody(), false},
		{"down", 502, "bad gateway", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := fakeProm(t, tt.status, tt.body)
			p, _ := NewPrometheus(PrometheusConfig{Address: srv.URL})
			ok, err := p.IsOnline(context.Background(), at)
			if ok != tt.want || (err == nil) != tt.want {
				t.Fatalf("IsOnline() = %v, %v; want %v", ok, err, tt.want)
			}
			if q := (*seen)[0]; q.query != "vector(1)" || q.time != atParam {
				t.Fatalf("IsOnline asked %+v", q)
			}
		})
	}
}

func TestCollapseSpace(t *testing.T) {
	tests := map[string]string{
		"up":                "up",
		"a b":               "a b",
		"a  b":              "a b",
		"\n\tsum(x)\n":      " sum(x) ",
		"a\r\n\f b":         "a b",
		`x{a="1  2"}`:       `x{a="1 2"}`, // as Flagger: inside strings too
		"":                  "",
		"rate(x[1m])\n* 10": "rate(x[1m]) * 10",
	}
	for in, want := range tests {
		if got := collapseSpace(in); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", in, got, want)
		}
	}
}

// queryURL is the URL newRequest asks, as a string.
func (p *Prometheus) queryURL(query string, at time.Time) string {
	return p.endpoint + "?" + string(appendQueryParams(nil, query, at))
}

// evalTime is the time parameter's value.
func evalTime(at time.Time) string { return string(appendEvalTime(nil, at)) }

// TestEscapedQueriesAreTheirParams: a remembered text's parameters are
// those of its collapsed text, asked once or again, before and after the
// memo starts over, for texts that collapse to the same one.
func TestEscapedQueriesAreTheirParams(t *testing.T) {
	var e escapedQueries
	r := rand.New(rand.NewPCG(13, 0))
	pieces := []string{"sum(", "rate(x[1m])", ")", " ", "  ", "\n\t", "/", "a&b", "ü", `{a=~"b|c"}`, "%"}
	var texts []string
	for range 3 * maxEscapedQueries {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	for round := range 2 {
		for i, q := range texts {
			q2 := texts[r.IntN(i+1)]
			for _, q := range []string{q, q2} {
				if got, want := e.of(q), string(appendQueryParam(nil, collapseSpace(q))); got != want {
					t.Fatalf("round %d: params of %q = %q, want %q", round, q, got, want)
				}
			}
		}
	}
}

// inProcess answers every request with one answer or one error, and makes
// InProcessTransport's promise.
type inProcess struct {
	status int
	body   string
	err    error
}

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.err != nil {
		return nil, t.err
	}
	return &http.Response{StatusCode: t.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(t.body)), ContentLength: -1, Request: r}, nil
}

func (inProcess) AnswersInProcess() {}

// roundTripper hides a transport's promise, so the client is used.
type roundTripper struct{ http.RoundTripper }

// TestInProcessSendMatchesClientDo: a check sent straight to an
// InProcessTransport gets what it gets through http.Client.Do: the value,
// or the error, word for word.
func TestInProcessSendMatchesClientDo(t *testing.T) {
	answers := []inProcess{
		{status: 200, body: vectorBody("99.5")},
		{status: 200, body: vectorBody("1", "2")},
		{status: 200, body: `{"status":"success","data":{"resultType":"vector","result":[]}}`},
		{status: 503, body: `{"status":"error","errorType":"unavailable","error":"injected fault: HTTP 503"}`},
		{status: 302, body: "moved, nowhere"},
		{status: 200, body: ""},
		{err: errors.New("dial tcp: connect: connection refused (injected fault)")},
		{err: context.DeadlineExceeded},
	}
	for _, a := range answers {
		var got, want [2]string
		for i, tr := range []http.RoundTripper{a, roundTripper{a}} {
			p, err := NewPrometheus(PrometheusConfig{Address: "http://prometheus.invalid:9090/prefix", Client: &http.Client{Transport: tr}})
			if err != nil {
				t.Fatal(err)
			}
			v, err := p.RunQuery(context.Background(), "sum(rate(x[1m]))\n / 2", at)
			out := &got
			if i == 1 {
				out = &want
			}
			*out = [2]string{strconv.FormatFloat(v, 'g', -1, 64), fmt.Sprint(err)}
		}
		if got != want {
			t.Errorf("answer %+v: sent straight %q, through the client %q", a, got, want)
		}
	}
}
