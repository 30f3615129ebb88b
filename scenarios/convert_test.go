// This file tests the conversion of full, scripted and defaulted scenarios and that inline
// manifests keep the scenario's line numbers.

package scenarios

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/value"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func mustLoad(t *testing.T, path string) *Scenario {
	t.Helper()
	s, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func TestFullScenarioIsConverted(t *testing.T) {
	s := mustLoad(t, "testdata/valid-full.yaml")
	const v0, v1, v2 = "ghcr.io/stefanprodan/podinfo:6.0.0", "ghcr.io/stefanprodan/podinfo:6.0.1", "ghcr.io/stefanprodan/podinfo:6.0.2"
	checks := []struct {
		name      string
		got, want any
	}{
		{"name", s.Name, "full"},
		{"dir", s.Dir, "testdata"},
		{"canary", s.Canary.Namespace + "/" + s.Canary.Name, "test/podinfo"},
		{"provider override", s.Provider, "linkerd"},
		{"provider written into the Canary", s.Canary.Spec.Provider, "linkerd"},
		{"inline AlertProvider", len(s.Manifests.AlertProviders), 1},
		{"release", s.Release, Release{From: v0, To: v1, At: 30 * time.Second}},
		{"base version defaults", *s.Versions[v0], Version{Image: v0, SuccessRate: 100, Latency: Latency{P50: DefaultP50, P99: DefaultP99}, Changes: []Change{}}},
		{"version", s.Versions[v1].Latency, Latency{P50: 20 * time.Millisecond, P99: 100 * time.Millisecond}},
		{"readiness", s.Versions[v1].Readiness, Readiness{ReadyAfter: 10 * time.Second}},
		{"never ready", s.Versions[v2].Readiness, Readiness{Never: true}},
		{"changes", s.Versions[v1].Changes, []Change{
			{At: 3 * time.Minute, SuccessRate: ptr(85.0)},
			{At: 4 * time.Minute, P99: ptr(900 * time.Millisecond), Readiness: &Readiness{CrashLoop: true}},
		}},
		{"traffic", s.Traffic, Traffic{RPS: 50, Noise: Noise{SuccessRate: 0.5, Latency: 0.1}, Seed: 7}},
		{"prometheus", s.Prometheus, Prometheus{ScrapeInterval: 15 * time.Second}},
		{"series interval", s.Series[0].Interval, 30 * time.Second},
		{"series start", s.Series[0].Start, time.Minute},
		{"series labels", s.Series[0].Labels.String(), `{__name__="queue_depth", app="podinfo"}`},
		{"series values", len(s.Series[0].Values), 21 + 3 + 1},
		{"default series interval", s.Series[1].Interval, DefaultSeriesInterval},
		{"answers", s.Webhooks["acceptance-test"].Answers, []TimedAnswer{
			{From: 0, HookAnswer: HookAnswer{Status: 200}},
			{From: 2 * time.Minute, HookAnswer: HookAnswer{Status: 500, Latency: 50 * time.Millisecond}},
			{From: 5 * time.Minute, HookAnswer: HookAnswer{Timeout: true}},
			{From: 6 * time.Minute, HookAnswer: HookAnswer{Refused: true}},
		}},
		{"gate", *s.Webhooks["load-test"].Gate, Gate{OpenAt: ptr(12 * time.Minute)}},
		{"events in time order", s.Events, []Event{
			{At: 2 * time.Minute, Kind: EventPause},
			{At: 3 * time.Minute, Kind: EventResume},
			{At: 5 * time.Minute, Kind: EventRevision, Revision: v2},
			{At: 9 * time.Minute, Kind: EventDelete},
		}},
		{"expect", s.Expect, Expect{Outcome: v1beta1.CanaryPhaseFailed, Within: 15 * time.Minute, MaxWeight: ptr(30),
			Ticks: []TickExpect{{Tick: 9, Phase: v1beta1.CanaryPhaseFailed, CanaryWeight: ptr(0), PrimaryWeight: ptr(100), FailedChecks: ptr(0), Iterations: ptr(0)}}}},
		{"limits", s.Limits.MaxDuration, 2 * time.Hour},
		{"world mode", s.Scripted(), false},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, c.got, c.want)
		}
	}
	if last := s.Series[0].Values[24]; !value.IsStaleNaN(last.Value) || !s.Series[0].Values[21].Omitted {
		t.Errorf("series notation misread: %v", s.Series[0].Values)
	}
}

func TestScriptAnswersAreConverted(t *testing.T) {
	s := mustLoad(t, "testdata/valid-script.yaml")
	if !s.Scripted() || len(s.Script) != 4 {
		t.Fatalf("want 4 script ticks, got %d", len(s.Script))
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"status number", s.Script[0].Webhooks["acceptance-test"], HookAnswer{Status: 200}},
		{"state", s.Script[0].Canary, NotReady},
		{"value", s.Script[1].Metrics["request-success-rate"], MetricAnswer{Value: 99.5}},
		{"novalue", s.Script[1].Metrics["request-duration"], MetricAnswer{NoValue: true}},
		{"timeout", s.Script[1].Webhooks["load-test"], HookAnswer{Timeout: true}},
		{"error", s.Script[2].Metrics["request-duration"], MetricAnswer{Error: "connection refused"}},
		{"refused", s.Script[2].Webhooks["load-test"], HookAnswer{Refused: true}},
		{"revision", s.Script[2].Revision, "ghcr.io/stefanprodan/podinfo:6.0.2"},
		{"status and latency", s.Script[3].Webhooks["load-test"], HookAnswer{Status: 202, Latency: time.Second}},
		{"deadline", s.Script[3].Canary, DeadlineExceeded},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, c.got, c.want)
		}
	}
	if v := s.Script[3].Metrics["request-success-rate"].Value; !math.IsNaN(v) {
		t.Errorf("NaN must be accepted as a metric value, got %v", v)
	}
}

func TestDefaultsAreApplied(t *testing.T) {
	s := mustLoad(t, "testdata/valid-minimal.yaml")
	if s.Traffic.RPS != DefaultRPS || s.Versions["podinfo:2"].SuccessRate != 100 || s.Release.At != 0 {
		t.Errorf("defaults not applied: traffic %+v, version %+v", s.Traffic, s.Versions["podinfo:2"])
	}
	// canary.yaml: interval 1m, threshold 5, 5 steps, 1 promotion tick, deadline 60s:
	// 3 * ((4+5+5+1) * 1m + 60s) = 48m.
	if s.Limits.MaxDuration != 48*time.Minute {
		t.Errorf("default limit = %v, want 48m", s.Limits.MaxDuration)
	}
	if got := mustLoad(t, "testdata/valid-no-traffic.yaml").Traffic.RPS; got != 0 {
		t.Errorf("rps: 0 must mean no traffic, got %v", got)
	}
}

func TestInlineManifestsKeepScenarioLines(t *testing.T) {
	s := mustLoad(t, "testdata/valid-inline-only.yaml")
	want := map[string]int{"Deployment/default/app": 8, "Canary/default/app": 23}
	for key, line := range want {
		o := s.Manifests.Origins[key]
		if o.File != "testdata/valid-inline-only.yaml" || o.Line != line {
			t.Errorf("%s from %s:%d, want line %d of the scenario", key, o.File, o.Line, line)
		}
	}
}
