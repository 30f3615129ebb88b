// This file tests the in-process transport against the loopback path.

package hooks

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
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
