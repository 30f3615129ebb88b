// This file tests the webhook caller against a recording server: payloads and checksum, statuses,
// retries and Retry-After, scaled timeouts, permanent errors, TLS and cancellation.

package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// sleeps records the backoff waits instead of sleeping.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
	err   error
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return s.err
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

func canary() *v1beta1.Canary {
	return &v1beta1.Canary{
		ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Status: v1beta1.CanaryStatus{
			Phase:           v1beta1.CanaryPhaseProgressing,
			TrackedConfigs:  &map[string]string{"test-config-map": "484637c76acaa7c6"},
			LastAppliedSpec: "4cb74184589",
		},
	}
}

// request is what a test server saw.
type request struct {
	method, contentType string
	raw                 map[string]json.RawMessage
	payload             v1beta1.CanaryWebhookPayload
}

// recorder is a test server answering status (and body) to every request.
type recorder struct {
	mu       sync.Mutex
	requests []request
	answer   func(n int, w http.ResponseWriter)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	got := request{method: r.Method, contentType: r.Header.Get("Content-Type")}
	_ = json.Unmarshal(body, &got.raw)
	_ = json.Unmarshal(body, &got.payload)
	rec.mu.Lock()
	rec.requests = append(rec.requests, got)
	n := len(rec.requests)
	rec.mu.Unlock()
	rec.answer(n, w)
}

func (rec *recorder) get(i int) request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.requests[i]
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.requests)
}

func answer(status int, body string) func(int, http.ResponseWriter) {
	return func(_ int, w http.ResponseWriter) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func serve(t *testing.T, rec *recorder) string {
	t.Helper()
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestCallPayload(t *testing.T) {
	rec := &recorder{answer: answer(http.StatusOK, "")}
	url := serve(t, rec)
	hook := v1beta1.CanaryWebhook{Name: "check", URL: url + "/check", Metadata: &map[string]string{"type": "cmd", "cmd": "hey"}}
	res := (&Caller{}).Call(context.Background(), canary(), v1beta1.CanaryPhasePromoting, hook)
	if !res.OK() || res.Attempts != 1 || res.Status != http.StatusOK {
		t.Fatalf("result = %+v, want OK after 1 attempt", res)
	}
	got := rec.get(0)
	if got.method != http.MethodPost || got.contentType != "application/json" {
		t.Errorf("request = %s %q, want POST application/json", got.method, got.contentType)
	}
	want := v1beta1.CanaryWebhookPayload{Name: "podinfo", Namespace: "test", Phase: v1beta1.CanaryPhasePromoting,
		Checksum: "569bdb7cb9", Metadata: map[string]string{"type": "cmd", "cmd": "hey"}}
	if !equalPayload(got.payload, want) {
		t.Errorf("payload = %+v, want %+v", got.payload, want)
	}
	if len(got.raw) != 5 {
		t.Errorf("payload has %d fields, want name, namespace, phase, checksum, metadata", len(got.raw))
	}
}

func TestCallWithoutMetadataOmitsIt(t *testing.T) {
	rec := &recorder{answer: answer(http.StatusOK, "")}
	hook := v1beta1.CanaryWebhook{Name: "check", URL: serve(t, rec)}
	(&Caller{}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
	if _, ok := rec.get(0).raw["metadata"]; ok {
		t.Errorf("payload has metadata %s, want none", rec.get(0).raw["metadata"])
	}
}

func equalPayload(a, b v1beta1.CanaryWebhookPayload) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// The expected values were computed with Flagger's own checksum function on
// the same status fields.
func TestChecksumMatchesFlagger(t *testing.T) {
	tests := []struct {
		configs *map[string]string
		spec    string
		want    string
	}{
		{&map[string]string{"test-config-map": "484637c76acaa7c6"}, "5f56684589", "85d557f47b"},
		{&map[string]string{"test-config-map": "484637c76acaa7c6"}, "4cb74184589", "569bdb7cb9"},
		{nil, "4cb74184589", "7c9d467496"},
		{nil, "", "758df7c9fc"},
		{&map[string]string{"b": "2", "a": "1"}, "x", "74fdf4954"},
		{&map[string]string{"a": "1", "b": "2"}, "x", "74fdf4954"},
	}
	for _, tt := range tests {
		cd := &v1beta1.Canary{Status: v1beta1.CanaryStatus{TrackedConfigs: tt.configs, LastAppliedSpec: tt.spec}}
		if got := Checksum(cd); got != tt.want {
			t.Errorf("Checksum(%v, %q) = %q, want %q", tt.configs, tt.spec, got, tt.want)
		}
	}
}

func TestCallStatus(t *testing.T) {
	tests := []struct {
		status    int
		body      string
		retries   int
		ok        bool
		attempts  int
		waits     []time.Duration
		errSubstr string
	}{
		{status: 200, ok: true, attempts: 1},
		{status: 201, ok: true, attempts: 1},
		{status: 202, retries: 3, ok: true, attempts: 1},
		{status: 203, body: "partial", attempts: 1, errSubstr: "answered HTTP 203 (attempt 1 of 1): partial"},
		{status: 204, attempts: 1, errSubstr: "HTTP 204 (attempt 1 of 1): (empty body)"},
		{status: 304, retries: 2, attempts: 1, errSubstr: "HTTP 304"},
		{status: 400, body: "bad request\n", attempts: 1, errSubstr: "HTTP 400 (attempt 1 of 1): bad request"},
		{status: 403, body: "Forbidden", retries: 2, attempts: 1, errSubstr: "HTTP 403 (attempt 1 of 3): Forbidden"},
		{status: 429, retries: 2, attempts: 3, waits: secs(1, 2), errSubstr: "HTTP 429 (attempt 3 of 3)"},
		{status: 500, body: "boom", retries: 2, attempts: 3, waits: secs(1, 2), errSubstr: "HTTP 500 (attempt 3 of 3): boom"},
		{status: 501, retries: 2, attempts: 1, errSubstr: "HTTP 501 (attempt 1 of 3)"},
		{status: 503, attempts: 1, errSubstr: "HTTP 503 (attempt 1 of 1)"},
		{status: 502, retries: 6, attempts: 7, waits: secs(1, 2, 4, 8, 16, 30), errSubstr: "HTTP 502"},
		{status: 500, retries: -1, attempts: 1, errSubstr: "HTTP 500 (attempt 1 of 1)"},
	}
	for _, tt := range tests {
		rec := &recorder{answer: answer(tt.status, tt.body)}
		s := &sleeps{}
		hook := v1beta1.CanaryWebhook{Name: "gate", URL: serve(t, rec), Retries: tt.retries}
		res := (&Caller{Sleep: s.sleep}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
		if res.OK() != tt.ok || res.Attempts != tt.attempts || res.Status != tt.status || rec.count() != tt.attempts {
			t.Errorf("HTTP %d, retries %d: result %+v after %d requests, want ok=%v attempts=%d",
				tt.status, tt.retries, res, rec.count(), tt.ok, tt.attempts)
		}
		if !equalDurations(s.got(), tt.waits) {
			t.Errorf("HTTP %d, retries %d: waits %v, want %v", tt.status, tt.retries, s.got(), tt.waits)
		}
		if tt.errSubstr != "" && (res.Err == nil || !strings.Contains(res.Err.Error(), tt.errSubstr)) {
			t.Errorf("HTTP %d: error %v, want it to contain %q", tt.status, res.Err, tt.errSubstr)
		}
	}
}

func secs(ns ...int) []time.Duration {
	var out []time.Duration
	for _, n := range ns {
		out = append(out, time.Duration(n)*time.Second)
	}
	return out
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCallRetriesUntilSuccess(t *testing.T) {
	rec := &recorder{answer: func(n int, w http.ResponseWriter) {
		if n <= 2 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}}
	s := &sleeps{}
	hook := v1beta1.CanaryWebhook{Name: "flaky", URL: serve(t, rec), Retries: 2}
	res := (&Caller{Sleep: s.sleep}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
	if !res.OK() || res.Attempts != 3 || res.Status != http.StatusAccepted {
		t.Fatalf("result = %+v, want OK with 202 on attempt 3", res)
	}
	if !equalDurations(s.got(), secs(1, 2)) {
		t.Errorf("waits = %v, want [1s 2s]", s.got())
	}
}

func TestCallRetryAfter(t *testing.T) {
	const date = "Mon, 02 Jan 2006 15:04:05 GMT"
	tests := []struct {
		name               string
		status             int
		retryAfter, sentAt string
		want               time.Duration
	}{
		{"seconds on 503", 503, "7", "", 7 * time.Second},
		{"seconds on 429", 429, "0", "", 0},
		{"date on 429", 429, "Mon, 02 Jan 2006 15:05:35 GMT", date, 90 * time.Second},
		{"date in the past", 503, "Mon, 02 Jan 2006 15:00:00 GMT", date, 0},
		{"date without Date header", 503, "Mon, 02 Jan 2006 15:05:35 GMT", "-", time.Second},
		{"ignored on 500", 500, "7", "", time.Second},
		{"negative", 503, "-3", "", time.Second},
		{"garbage", 503, "soon", "", time.Second},
	}
	for _, tt := range tests {
		rec := &recorder{answer: func(_ int, w http.ResponseWriter) {
			w.Header().Set("Retry-After", tt.retryAfter)
			if tt.sentAt == "-" {
				w.Header()["Date"] = nil // net/http then sends no Date header
			} else if tt.sentAt != "" {
				w.Header().Set("Date", tt.sentAt)
			}
			w.WriteHeader(tt.status)
		}}
		s := &sleeps{}
		hook := v1beta1.CanaryWebhook{Name: "busy", URL: serve(t, rec), Retries: 1}
		(&Caller{Sleep: s.sleep}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
		if !equalDurations(s.got(), []time.Duration{tt.want}) {
			t.Errorf("%s: waits = %v, want [%v]", tt.name, s.got(), tt.want)
		}
	}
}

// hold never answers: it returns when the caller gives up.
func hold(t *testing.T) (string, *atomic.Int32) {
	t.Helper()
	calls := &atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		// net/http notices a closed connection only once the body is read.
		_, _ = io.ReadAll(r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}

// tick is a fake wall clock that moves step forward on every read.
func tick(step time.Duration) func() time.Time {
	var mu sync.Mutex
	now := time.Unix(0, 0)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(step)
		return now
	}
}

func TestCallTimeoutIsScaled(t *testing.T) {
	url, calls := hold(t)
	s := &sleeps{}
	// Unscaled, the hook's 10s timeout would outlive this context, and the
	// error would then say the caller gave up instead of "within 10s".
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := &Caller{TimeScale: 0.001, Sleep: s.sleep, Now: tick(10 * time.Millisecond)}
	hook := v1beta1.CanaryWebhook{Name: "slow", URL: url, Timeout: "10s", Retries: 1}
	res := c.Call(ctx, canary(), v1beta1.CanaryPhaseProgressing, hook)
	if res.OK() || res.Attempts != 2 || res.Status != 0 || calls.Load() != 2 {
		t.Fatalf("result = %+v after %d requests, want a failure after 2 attempts", res, calls.Load())
	}
	if !strings.Contains(res.Err.Error(), "did not answer within 10s (attempt 2 of 2)") || !errors.Is(res.Err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want a 10s timeout", res.Err)
	}
	// Each attempt reads the fake clock twice, 10ms apart: 10s at scale 0.001.
	if want := 10*time.Second + time.Second + 10*time.Second; res.Duration != want {
		t.Errorf("duration = %v, want %v (two scaled attempts and a 1s wait)", res.Duration, want)
	}
}

func TestCallLatencyWithinScaledTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // 0.4s of caller time at scale 0.05
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	hook := v1beta1.CanaryWebhook{Name: "slowish", URL: srv.URL, Timeout: "10s"}
	res := (&Caller{TimeScale: 0.05}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
	if !res.OK() {
		t.Errorf("result = %+v, want OK: the answer came well within the scaled 500ms timeout", res)
	}
}

func TestCallConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/hook"
	ln.Close()
	s := &sleeps{}
	hook := v1beta1.CanaryWebhook{Name: "gone", URL: url, Retries: 2}
	res := (&Caller{Sleep: s.sleep}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
	if res.OK() || res.Attempts != 3 || res.Status != 0 || !equalDurations(s.got(), secs(1, 2)) {
		t.Fatalf("result = %+v, waits %v, want 3 refused attempts with waits [1s 2s]", res, s.got())
	}
	if !errors.Is(res.Err, syscall.ECONNREFUSED) || !strings.Contains(res.Err.Error(), `webhook "gone" at `+url+" could not be reached") {
		t.Errorf("error = %v, want a wrapped connection refused naming the hook", res.Err)
	}
}

func TestCallPermanentErrorsAreNotRetried(t *testing.T) {
	tlsSrv := quietTLS()
	defer tlsSrv.Close()
	var loopSrv *httptest.Server
	loopSrv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loopSrv.URL, http.StatusTemporaryRedirect)
	}))
	defer loopSrv.Close()
	tests := []struct {
		name, url string
		attempts  int
		errSubstr string
	}{
		{"unsupported scheme", "ftp://127.0.0.1/hook", 1, "unsupported protocol scheme"},
		{"empty url", "", 1, "unsupported protocol scheme"},
		{"unparsable url", "http://[::1", 0, "cannot be called"},
		{"untrusted certificate", tlsSrv.URL, 1, "certificate"},
		{"redirect loop", loopSrv.URL, 1, "stopped after 10 redirects"},
	}
	for _, tt := range tests {
		s := &sleeps{}
		hook := v1beta1.CanaryWebhook{Name: "x", URL: tt.url, Retries: 3}
		res := (&Caller{Sleep: s.sleep}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
		if res.OK() || res.Attempts != tt.attempts || len(s.got()) != 0 {
			t.Errorf("%s: result = %+v, waits %v, want %d attempt(s) and no retry", tt.name, res, s.got(), tt.attempts)
			continue
		}
		if !strings.Contains(res.Err.Error(), tt.errSubstr) {
			t.Errorf("%s: error = %v, want it to contain %q", tt.name, res.Err, tt.errSubstr)
		}
	}
}

func TestCallDisableTLS(t *testing.T) {
	srv := quietTLS()
	defer srv.Close()
	hook := v1beta1.CanaryWebhook{Name: "tls", URL: srv.URL, DisableTLS: true}
	for _, c := range []*Caller{{}, {Client: &http.Client{}}, {Client: &http.Client{Transport: &http.Transport{}}}} {
		if res := c.Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook); !res.OK() {
			t.Errorf("client %+v: result = %+v, want OK with certificate checks off", c.Client, res)
		}
	}
}

// countingTransport proves a configured client is the one used.
type countingTransport struct{ n int }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	return http.DefaultTransport.RoundTrip(r)
}

func TestCallUsesConfiguredClient(t *testing.T) {
	rec := &recorder{answer: answer(http.StatusOK, "")}
	tr := &countingTransport{}
	hook := v1beta1.CanaryWebhook{Name: "x", URL: serve(t, rec)}
	res := (&Caller{Client: &http.Client{Transport: tr}}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
	if !res.OK() || tr.n != 1 {
		t.Errorf("result = %+v with %d round trips through the configured client, want OK and 1", res, tr.n)
	}
}

func TestCallStopsWhenTheCallerGivesUp(t *testing.T) {
	rec := &recorder{answer: answer(http.StatusInternalServerError, "")}
	url := serve(t, rec)
	hook := v1beta1.CanaryWebhook{Name: "x", URL: url, Retries: 3}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	s := &sleeps{}
	res := (&Caller{Sleep: s.sleep}).Call(cancelled, canary(), v1beta1.CanaryPhaseProgressing, hook)
	if !errors.Is(res.Err, context.Canceled) || res.Attempts != 1 || len(s.got()) != 0 {
		t.Errorf("cancelled context: result = %+v, waits %v, want one failed attempt and no retry", res, s.got())
	}

	s = &sleeps{err: context.Canceled}
	res = (&Caller{Sleep: s.sleep}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
	if !errors.Is(res.Err, context.Canceled) || res.Attempts != 1 || !strings.Contains(res.Err.Error(), "waiting to retry") {
		t.Errorf("sleep interrupted: result = %+v, want the call abandoned after 1 attempt", res)
	}
}

func TestCallRefusesAnInvalidTimeout(t *testing.T) {
	rec := &recorder{answer: answer(http.StatusOK, "")}
	url := serve(t, rec)
	tests := []struct {
		timeout string
		event   bool
		ok      bool
	}{
		{"abc", false, false},
		{"abc", true, false},
		{"5", false, true}, // phase hooks treat a one-character timeout as unset
		{"5", true, false}, // event hooks parse it, and "5" has no unit
		{"", true, true},
		{"1m", false, true},
	}
	for _, tt := range tests {
		before := rec.count()
		hook := v1beta1.CanaryWebhook{Name: "x", URL: url, Timeout: tt.timeout}
		var res Result
		if tt.event {
			res = (&Caller{}).CallEvent(context.Background(), canary(), hook, "m", "Normal", time.Unix(0, 0))
		} else {
			res = (&Caller{}).Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
		}
		if res.OK() != tt.ok {
			t.Errorf("timeout %q (event %v): result = %+v, want ok=%v", tt.timeout, tt.event, res, tt.ok)
		}
		if !tt.ok && (res.Attempts != 0 || rec.count() != before || !strings.Contains(res.Err.Error(), "timeout")) {
			t.Errorf("timeout %q: result = %+v, want no request and an error about the timeout", tt.timeout, res)
		}
	}
}

func TestTimeoutOf(t *testing.T) {
	tests := []struct {
		raw  string
		rule timeoutRule
		want time.Duration
	}{
		{"", phaseHookTimeout, 10 * time.Second},
		{"5", phaseHookTimeout, 10 * time.Second},
		{"30s", phaseHookTimeout, 30 * time.Second},
		{"0s", phaseHookTimeout, 10 * time.Second},
		{"-5s", eventHookTimeout, 10 * time.Second},
		{"1m30s", eventHookTimeout, 90 * time.Second},
	}
	for _, tt := range tests {
		got, err := timeoutOf(v1beta1.CanaryWebhook{Timeout: tt.raw}, tt.rule)
		if err != nil || got != tt.want {
			t.Errorf("timeoutOf(%q, %v) = %v, %v; want %v", tt.raw, tt.rule, got, err, tt.want)
		}
	}
}

func TestCallEvent(t *testing.T) {
	rec := &recorder{answer: answer(http.StatusAccepted, "")}
	hook := v1beta1.CanaryWebhook{Name: "events", URL: serve(t, rec),
		Metadata: &map[string]string{"eventType": "mine", "channel": "#deploys"}}
	at := time.Date(2024, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	cd := canary()
	cd.Status.Phase = v1beta1.CanaryPhaseFailed
	res := (&Caller{}).CallEvent(context.Background(), cd, hook, "Rolling back podinfo.test", "Warning", at)
	if !res.OK() {
		t.Fatalf("result = %+v, want OK", res)
	}
	got := rec.get(0).payload
	want := v1beta1.CanaryWebhookPayload{Name: "podinfo", Namespace: "test", Phase: v1beta1.CanaryPhaseFailed, Checksum: "569bdb7cb9",
		Metadata: map[string]string{"eventMessage": "Rolling back podinfo.test", "eventType": "Warning",
			"timestamp": "1704164645678", "channel": "#deploys"}}
	if !equalPayload(got, want) {
		t.Errorf("payload = %+v, want %+v", got, want)
	}
}

func TestNoCanary(t *testing.T) {
	hook := v1beta1.CanaryWebhook{Name: "x", URL: "http://127.0.0.1:1"}
	c := &Caller{}
	for _, res := range []Result{
		c.Call(context.Background(), nil, v1beta1.CanaryPhaseProgressing, hook),
		c.CallEvent(context.Background(), nil, hook, "m", "Normal", time.Unix(0, 0)),
	} {
		if res.OK() || res.Attempts != 0 {
			t.Errorf("result = %+v, want an error before any request", res)
		}
	}
}

func TestBackoff(t *testing.T) {
	want := secs(1, 2, 4, 8, 16, 30, 30, 30)
	for n := 1; n <= len(want); n++ {
		if got := backoff(n, outcome{status: 500}); got != want[n-1] {
			t.Errorf("backoff(%d) = %v, want %v", n, got, want[n-1])
		}
	}
	if got := backoff(1000, outcome{}); got != maxBackoff {
		t.Errorf("backoff(1000) = %v, want the 30s cap", got)
	}
}

func TestSummary(t *testing.T) {
	long := strings.Repeat("é", 400) // 800 bytes, two per rune
	tests := []struct{ body, want string }{
		{"", "(empty body)"},
		{"  \n", "(empty body)"},
		{" denied\n", "denied"},
		{long, strings.Repeat("é", 256) + "… (truncated)"},
		{"x" + long, "x" + strings.Repeat("é", 255) + "… (truncated)"},
	}
	for _, tt := range tests {
		if got := summary(tt.body); got != tt.want {
			t.Errorf("summary(%d bytes) = %q, want %q", len(tt.body), got, tt.want)
		}
	}
}

func BenchmarkCall(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	hook := v1beta1.CanaryWebhook{Name: "bench", URL: srv.URL}
	for _, tc := range []struct {
		name string
		c    *Caller
	}{{"fresh-pool", &Caller{}}, {"shared-client", &Caller{Client: &http.Client{}}}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if res := tc.c.Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook); !res.OK() {
					b.Fatal(res.Err)
				}
			}
		})
	}
}

// quietTLS is a TLS server that does not log the handshakes the untrusted
// certificate test makes fail on purpose.
func quietTLS() *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	return srv
}

func TestDefaultSleepIsScaled(t *testing.T) {
	rec := &recorder{answer: answer(http.StatusInternalServerError, "down")}
	hook := v1beta1.CanaryWebhook{Name: "x", URL: serve(t, rec), Retries: 1}
	// An unscaled 1s backoff would outlast this context and abandon the call.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	res := (&Caller{TimeScale: 0.001}).Call(ctx, canary(), v1beta1.CanaryPhaseProgressing, hook)
	if res.Attempts != 2 || !strings.Contains(res.Err.Error(), "HTTP 500 (attempt 2 of 2): down") {
		t.Errorf("result = %+v, want both attempts made after a 1ms backoff", res)
	}
}
