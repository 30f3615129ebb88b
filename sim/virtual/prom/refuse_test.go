// This file tests the refused-connection fault.

package prom

import (
	"net/http"
	"strings"
	"testing"
)

// TestRefuse: a server that is down drops connections, over loopback and
// in process alike.
func TestRefuse(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	s.SetFault(Fault{Refuse: true})
	for name, c := range map[string]*http.Client{"loopback": {}, "in process": {Transport: s.Transport()}} {
		resp, err := c.Get(base + "/api/v1/query?query=vector(1)")
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: got HTTP %d from a server that is down", name, resp.StatusCode)
		}
	}
	s.SetFault(Fault{})
	resp, err := http.Get(base + "/api/v1/query?query=vector(1)")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after healing: %v", err)
	}
	resp.Body.Close()
	if !strings.Contains(errRefused.Error(), "connection refused") {
		t.Errorf("the in-process refusal must read like a refused connection")
	}
}
