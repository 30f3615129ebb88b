// This file tests the in-process transport against the loopback path.

package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/webhook"
)

// TestTransportMatchesLoopback: the same answers without a socket, from a
// server listening on loopback and from one started in process.
func TestTransportMatchesLoopback(t *testing.T) {
	for name, start := range map[string]func(map[string]Behaviour, float64) (*Server, error){
		"Start": Start, "StartInProcess": StartInProcess,
	} {
		t.Run(name, func(t *testing.T) { testTransport(t, start) })
	}
}

func testTransport(t *testing.T, start func(map[string]Behaviour, float64) (*Server, error)) {
	s, err := start(map[string]Behaviour{
		"bad":  {Answers: []Answer{{Status: 500}}},
		"gone": {Answers: []Answer{{Refused: true}}},
		"hang": {Answers: []Answer{{Timeout: true}}},
	}, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := &http.Client{Transport: s.Transport()}
	post := func(hook string) (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL(hook), strings.NewReader(`{"name":"podinfo","namespace":"test"}`))
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := post("ok"); code != 200 || err != nil {
		t.Errorf("plain hook: %d %v", code, err)
	}
	if code, _ := post("bad"); code != 500 {
		t.Errorf("scenario 500: %d", code)
	}
	if _, err := post("gone"); err == nil || !strings.Contains(err.Error(), "EOF") {
		t.Errorf("refused: %v, want EOF", err)
	}
	if _, err := post("hang"); err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("timeout: %v, want the caller's deadline", err)
	}
	if n := len(s.Calls()); n != 4 {
		t.Errorf("%d calls recorded, want 4", n)
	}
}

// A server started in process opens no socket: its URLs reach nothing but
// its Transport.
func TestStartInProcessOpensNoSocket(t *testing.T) {
	s, err := StartInProcess(nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL("ok"), strings.NewReader(`{}`))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a call to %s over the network was answered (%s), want no server there", s.URL("ok"), resp.Status)
	}
}

// hidden is a RoundTripper that is not a webhook.InProcessTransport: the
// webhook caller sends requests to it through its http.Client.
type hidden struct{ http.RoundTripper }

// TestInProcessSendMatchesClientDo: the webhook caller sends requests to
// the in-process Transport straight, without its http.Client; every
// answer (approval, refusal, a status a client could take for a redirect,
// a dropped connection, a timeout, retries) gives the same result, error
// text included, and the same calls recorded, as through the client.
func TestInProcessSendMatchesClientDo(t *testing.T) {
	behaviours := map[string]Behaviour{
		"closed":   {Gate: &Gate{}},
		"bad":      {Answers: []Answer{{Status: 500}}},
		"moved":    {Answers: []Answer{{Status: 302}}},
		"kept":     {Answers: []Answer{{Status: 307}}},
		"busy":     {Answers: []Answer{{Status: 429}}},
		"gone":     {Answers: []Answer{{Refused: true}}},
		"hang":     {Answers: []Answer{{Timeout: true}}},
		"slow":     {Answers: []Answer{{Latency: time.Second}}},
		"too-slow": {Answers: []Answer{{Latency: 30 * time.Second}}},
	}
	hooks := []struct {
		name, path, timeout string
		retries             int
	}{
		{"ok", "", "", 0}, {"closed", "", "", 0}, {"bad", "", "", 2}, {"moved", "", "", 0}, {"kept", "", "", 1},
		{"busy", "", "", 1}, {"gone", "", "", 1}, {"hang", "", "5s", 0}, {"slow", "", "", 0}, {"too-slow", "", "10s", 0},
		{"ok", "/gate/check", "", 0}, {"ok", "/gate/close", "", 0}, {"ok", "/gate/check", "", 0}, {"ok", "/", "", 0},
	}
	const scale = 0.01 // a 10s timeout is 100ms
	results := map[bool][]webhook.Result{}
	calls := map[bool][]Call{}
	for _, direct := range []bool{true, false} {
		s, err := StartInProcess(behaviours, scale)
		if err != nil {
			t.Fatal(err)
		}
		tr := s.Transport()
		if !direct {
			tr = hidden{tr}
		}
		c := &webhook.Caller{TimeScale: scale, Client: &http.Client{Transport: tr}, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
		for _, h := range hooks {
			hook := v1beta1.CanaryWebhook{Name: h.name, URL: s.URL(h.name) + h.path, Timeout: h.timeout, Retries: h.retries,
				Metadata: &map[string]string{"cmd": "echo hi", "suite": "smoke"}}
			res := c.Call(context.Background(), canary(), v1beta1.CanaryPhaseProgressing, hook)
			res.Duration = 0 // measured on the wall clock
			results[direct] = append(results[direct], res)
		}
		calls[direct] = s.Calls()
		s.Close()
	}
	for i, h := range hooks {
		direct, viaClient := results[true][i], results[false][i]
		if direct.Status != viaClient.Status || direct.Attempts != viaClient.Attempts || fmt.Sprint(direct.Err) != fmt.Sprint(viaClient.Err) {
			t.Errorf("%s%s: sent straight %+v, through the client %+v", h.name, h.path, direct, viaClient)
		}
	}
	if !reflect.DeepEqual(calls[true], calls[false]) {
		t.Errorf("calls recorded sent straight:\n%+v\nthrough the client:\n%+v", calls[true], calls[false])
	}
}

// TestReadPayloadMatchesReadAll: whatever length a request claims, the
// receivers read the bytes and the error io.ReadAll(io.LimitReader(body,
// maxPayload)) reads.
func TestReadPayloadMatchesReadAll(t *testing.T) {
	broken := errors.New("connection reset")
	bodies := map[string]func() io.Reader{
		"empty":          func() io.Reader { return strings.NewReader("") },
		"payload":        func() io.Reader { return strings.NewReader(`{"name":"podinfo","namespace":"test"}`) },
		"past 512":       func() io.Reader { return strings.NewReader(strings.Repeat("y", 1500)) },
		"past the limit": func() io.Reader { return strings.NewReader(strings.Repeat("w", maxPayload+700)) },
		"byte by byte":   func() io.Reader { return iotest.OneByteReader(strings.NewReader("slow payload")) },
		"data with EOF":  func() io.Reader { return iotest.DataErrReader(strings.NewReader("last bytes")) },
		"error":          func() io.Reader { return io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(broken)) },
	}
	for name, body := range bodies {
		n, _ := io.Copy(io.Discard, body())
		for _, length := range []int64{n, -1, 0, n / 2, n + 10} {
			want, wantErr := io.ReadAll(io.LimitReader(body(), maxPayload))
			got, err := readPayload(&http.Request{Body: io.NopCloser(body()), ContentLength: length})
			if !bytes.Equal(got, want) || !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
				t.Errorf("%s, length %d: read %d bytes, %v; want %d bytes, %v", name, length, len(got), err, len(want), wantErr)
			}
		}
	}
}
