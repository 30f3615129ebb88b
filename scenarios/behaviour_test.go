// This file tests behaviour.go's answers over time (version changes, webhook answers, script
// ticks) and the defaults and fault parsing they rely on.

package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func TestVersionAt(t *testing.T) {
	v := &Version{SuccessRate: 100, Latency: Latency{P50: 10 * time.Millisecond, P99: 50 * time.Millisecond},
		Changes: []Change{
			{At: 2 * time.Minute, SuccessRate: ptr(80.0)},
			{At: 4 * time.Minute, P99: ptr(time.Second), Readiness: &Readiness{CrashLoop: true}},
		}}
	cases := []struct {
		at   time.Duration
		want Behaviour
	}{
		{0, Behaviour{SuccessRate: 100, Latency: v.Latency}},
		{2*time.Minute - 1, Behaviour{SuccessRate: 100, Latency: v.Latency}},
		{2 * time.Minute, Behaviour{SuccessRate: 80, Latency: v.Latency}},
		{5 * time.Minute, Behaviour{SuccessRate: 80, Latency: Latency{P50: 10 * time.Millisecond, P99: time.Second}, Readiness: Readiness{CrashLoop: true}}},
	}
	for _, tc := range cases {
		if got := v.At(tc.at); got != tc.want {
			t.Errorf("At(%v) = %+v, want %+v", tc.at, got, tc.want)
		}
	}
}

func TestWebhookAnswerAt(t *testing.T) {
	timeline := &Webhook{Answers: []TimedAnswer{
		{From: time.Minute, HookAnswer: HookAnswer{Status: 500}},
		{From: 3 * time.Minute, HookAnswer: HookAnswer{Timeout: true}},
	}}
	gate := &Webhook{Gate: &Gate{OpenAt: ptr(5 * time.Minute)}}
	cases := []struct {
		name string
		w    *Webhook
		at   time.Duration
		want HookAnswer
	}{
		{"before the first answer", timeline, 0, HookAnswer{Status: 200}},
		{"first answer", timeline, time.Minute, HookAnswer{Status: 500}},
		{"later answer", timeline, 10 * time.Minute, HookAnswer{Timeout: true}},
		{"closed gate", gate, 4 * time.Minute, HookAnswer{Status: 403}},
		{"opened gate", gate, 5 * time.Minute, HookAnswer{Status: 200}},
		{"open gate", &Webhook{Gate: &Gate{Open: true}}, 0, HookAnswer{Status: 200}},
		{"never opens", &Webhook{Gate: &Gate{}}, 24 * time.Hour, HookAnswer{Status: 403}},
	}
	for _, tc := range cases {
		if got := tc.w.AnswerAt(tc.at); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestScriptAtHoldsValues(t *testing.T) {
	s := &Scenario{Script: []ScriptTick{
		{Tick: 3, Metrics: map[string]MetricAnswer{"a": {Value: 1}, "b": {NoValue: true}}, Canary: Ready},
		{Tick: 5, Metrics: map[string]MetricAnswer{"a": {Value: 2}}, Webhooks: map[string]HookAnswer{"h": {Status: 500}}, Revision: "img:2"},
	}}
	cases := []struct {
		tick       int
		a          float64
		bNoValue   bool
		canary     WorkloadState
		hookStatus int
		revision   string
	}{
		{2, 0, false, "", 0, ""},
		{3, 1, true, Ready, 0, ""},
		{4, 1, true, Ready, 0, ""},
		{5, 2, true, Ready, 500, "img:2"},
		{6, 2, true, Ready, 500, ""},
	}
	for _, tc := range cases {
		got := s.ScriptAt(tc.tick)
		if got.Metrics["a"].Value != tc.a || got.Metrics["b"].NoValue != tc.bNoValue || got.Canary != tc.canary ||
			got.Webhooks["h"].Status != tc.hookStatus || got.Revision != tc.revision {
			t.Errorf("tick %d: got %+v", tc.tick, got)
		}
	}
}

func TestDefaultMaxDuration(t *testing.T) {
	canary := func(a *v1beta1.CanaryAnalysis, provider string) *v1beta1.Canary {
		c := &v1beta1.Canary{}
		c.Spec.Analysis, c.Spec.Provider = a, provider
		return c
	}
	cases := []struct {
		name string
		s    *Scenario
		want time.Duration
	}{
		{"no canary", &Scenario{}, MaxDurationCap},
		// (4 + 5 steps + threshold 1 + 1) ticks of 60s + 600s deadline = 21m, x3
		{"canary", &Scenario{Canary: canary(&v1beta1.CanaryAnalysis{MaxWeight: 50, StepWeight: 10}, "")}, 63 * time.Minute},
		// blue/green: 5 iterations + 1 switch tick
		{"blue/green", &Scenario{Canary: canary(&v1beta1.CanaryAnalysis{Iterations: 5, Threshold: 2}, "")}, 3 * (13*time.Minute + 10*time.Minute)},
		// a release at 1h moves the window
		{"late release", &Scenario{Release: Release{At: time.Hour}, Canary: canary(&v1beta1.CanaryAnalysis{MaxWeight: 50, StepWeight: 10}, "")}, 3*time.Hour + 63*time.Minute},
		{"never promotes", &Scenario{Canary: canary(&v1beta1.CanaryAnalysis{}, "istio")}, 3 * (106*time.Minute + 10*time.Minute)},
		{"capped", &Scenario{Release: Release{At: 20 * time.Hour}, Canary: canary(&v1beta1.CanaryAnalysis{StepWeight: 10}, "")}, MaxDurationCap},
	}
	for _, tc := range cases {
		if got := DefaultMaxDuration(tc.s); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFaultsParsed(t *testing.T) {
	sc, err := LoadFile("testdata/valid-faults.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Faults) != 5 {
		t.Fatalf("%d faults, want 5", len(sc.Faults))
	}
	first := sc.Faults[0]
	if first.Target != FaultKubernetes || first.Probability != 0.3 || first.Verb != "update" {
		t.Errorf("faults are sorted by time; first = %+v", first)
	}
	down := sc.Faults[2]
	if down.Kind != "down" || !down.ActiveAt(4*time.Minute) || down.ActiveAt(6*time.Minute) || down.ActiveAt(3*time.Minute) {
		t.Errorf("prometheus down from 4m for 2m: %+v", down)
	}
	if !strings.Contains(down.String(), "prometheus down from 4m0s for 2m0s") {
		t.Errorf("String() = %q", down.String())
	}
}
