// This file tests injected answers, which win over the scenario and the
// endpoint until cleared.

package hooks

import (
	"net/http"
	"strings"
	"testing"
)

// TestOverride: an injected answer wins over the scenario and the
// endpoint, until cleared.
func TestOverride(t *testing.T) {
	s, err := Start(map[string]Behaviour{"gate": {Answers: []Answer{{Status: 200}}}}, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	post := func() int {
		resp, err := http.Post(s.URL("gate"), "application/json", strings.NewReader(`{"name":"podinfo","namespace":"test"}`))
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	s.Override("gate", Answer{Status: 503})
	if got := post(); got != 503 {
		t.Errorf("overridden: %d, want 503", got)
	}
	s.Override("gate", Answer{Refused: true})
	if got := post(); got != 0 {
		t.Errorf("refused: got HTTP %d", got)
	}
	s.Override("gate", Answer{Latency: 1})
	if got := post(); got != 200 {
		t.Errorf("a latency-only override must keep the scenario's answer: %d", got)
	}
	s.Clear("gate")
	if got := post(); got != 200 {
		t.Errorf("cleared: %d, want the scenario's 200", got)
	}
}
