// This file checks the words of the "Why" section and the grouping of ticks
// it rests on: spans, decision ticks, causes of failed checks, hooks and
// gates.

package reports

import (
	"reflect"
	"testing"
)

func TestGroupTicks(t *testing.T) {
	phases := func(names ...string) []Tick {
		ticks := make([]Tick, len(names))
		for i, n := range names {
			ticks[i] = Tick{Tick: i + 1, Phase: n}
		}
		return ticks
	}
	byPhase := func(t Tick) string { return t.Phase }
	tests := []struct {
		name  string
		ticks []Tick
		want  []span
	}{
		{"none", nil, nil},
		{"one", phases("A"), []span{{0, 0}}},
		{"runs", phases("A", "A", "B", "A", "A", "A"), []span{{0, 1}, {2, 2}, {3, 5}}},
		{"all different", phases("A", "B", "C"), []span{{0, 0}, {1, 1}, {2, 2}}},
	}
	for _, tc := range tests {
		if got := groupTicks(tc.ticks, byPhase); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestRowKeyIgnoresOnlyTimeAndValues(t *testing.T) {
	base := Tick{Tick: 7, T: 420, Phase: "WaitingPromotion", CanaryWeight: 50, PrimaryWeight: 50,
		Metrics: []Metric{successRate(ptr(99.2))}, Webhooks: []Webhook{loadTest()}, Reason: "waiting"}
	same := base
	same.Tick, same.T, same.Metrics = 8, 480, []Metric{successRate(ptr(99.7))}
	if rowKey(base) != rowKey(same) {
		t.Error("ticks that differ only in time and metric values got different rows")
	}
	changes := map[string]func(*Tick){
		"phase":         func(t *Tick) { t.Phase = "Progressing" },
		"weight":        func(t *Tick) { t.CanaryWeight = 40 },
		"mirror":        func(t *Tick) { t.Mirrored = true },
		"failed checks": func(t *Tick) { t.FailedChecks = 1 },
		"reason":        func(t *Tick) { t.Reason = "other" },
		"metric passed": func(t *Tick) { t.Metrics = []Metric{successRate(ptr(80))} },
		"no values":     func(t *Tick) { t.Metrics = []Metric{successRate(nil)} },
		"hook status":   func(t *Tick) { t.Webhooks = []Webhook{{Name: "load-test", Type: "rollout", Status: 500}} },
		"event":         func(t *Tick) { t.Events = []string{"x"} },
	}
	for name, change := range changes {
		other := base
		change(&other)
		if rowKey(other) == rowKey(base) {
			t.Errorf("a change of %s did not start a new row", name)
		}
	}
}

func TestDecisionTick(t *testing.T) {
	run := func(decidedAt *float64) *Run { r := rolledBackRun(); r.DecidedAt = decidedAt; return r }
	tests := []struct {
		name      string
		decidedAt *float64
		want      int // tick number; 0 for none
	}{
		{"undecided", nil, 0},
		{"on a tick", ptr(540), 9},
		{"float noise", ptr(539.9999999), 9},
		{"between ticks", ptr(500), 8},
		{"before the first tick", ptr(10), 0},
	}
	for _, tc := range tests {
		got := 0
		if tick := decisionTick(run(tc.decidedAt)); tick != nil {
			got = tick.Tick
		}
		if got != tc.want {
			t.Errorf("%s: got tick %d; want %d", tc.name, got, tc.want)
		}
	}
}

func TestOutcomeSentence(t *testing.T) {
	noTicks := errorRun()
	noTicks.Ticks = nil
	decidedNoTick := promotedRun()
	decidedNoTick.Ticks = nil
	bare := &Run{Canary: "", Decision: ""}
	defaulted := promotedRun()
	defaulted.ProviderSource = defaultProviderSource
	fromSpec := rolledBackRun()
	fromSpec.Provider, fromSpec.ProviderSource = "linkerd", "spec.provider"
	tests := []struct {
		name string
		run  *Run
		want string
	}{
		{"rolled back", rolledBackRun(), "podinfo would be rolled back at 9m0s (tick 9) under istio: Rolling back podinfo.test: failed checks threshold reached 5."},
		{"promoted", promotedRun(), "podinfo would be promoted at 8m0s (tick 8) under istio: Copying podinfo.test template spec to podinfo-primary.test."},
		{"decided, no ticks", decidedNoTick, "podinfo would be promoted at 8m0s under istio."},
		{"Flagger's default provider", defaulted, "podinfo would be promoted at 8m0s (tick 8) under istio (Flagger's default mesh provider; set --provider to match your install): Copying podinfo.test template spec to podinfo-primary.test."},
		{"provider from the Canary", fromSpec, "podinfo would be rolled back at 9m0s (tick 9) under linkerd (spec.provider): Rolling back podinfo.test: failed checks threshold reached 5."},
		{"waiting", gateClosedRun(), "podinfo is still waiting for approval after 40m0s (tick 40, phase WaitingPromotion) under istio: Halt podinfo.test advancement: waiting for approval approve."},
		{"no ticks", noTicks, "podinfo is undecided: no tick was recorded."},
		{"nothing known", bare, "the canary is undecided: no tick was recorded."},
	}
	for _, tc := range tests {
		if got := outcomeSentence(tc.run, plain); got != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestProblemSentence(t *testing.T) {
	twoFailed := gateClosedRun()
	twoFailed.Expectations[0] = Expectation{Description: "rolled back", Detail: "promoted"}
	noReason := gateClosedRun()
	noReason.Expectations = nil
	tests := []struct {
		name string
		run  *Run
		want string
	}{
		{"error", errorRun(), "the run could not complete: apply route weights for test/podinfo: dial tcp 127.0.0.1:6443: connect: connection refused; check that the envtest kube-apiserver is still running."},
		{"one", gateClosedRun(), "expectation failed: promoted within 20m0s — still WaitingPromotion at 40m0s."},
		{"two", twoFailed, "2 expectations failed: rolled back — promoted; promoted within 20m0s — still WaitingPromotion at 40m0s."},
		{"none recorded", noReason, "the run did not pass, yet it recorded no failed expectation."},
	}
	for _, tc := range tests {
		if got := problemSentence(tc.run, plain); got != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestMetricCause(t *testing.T) {
	withBounds := func(min, max *float64) Metric { return Metric{Name: "m", Min: min, Max: max} }
	tests := []struct {
		name   string
		metric Metric
		values []*float64
		want   string
	}{
		{"below min", withBounds(ptr(99), nil), []*float64{ptr(80), ptr(82.5)}, "`m` was 80–82.5, below the minimum 99"},
		{"above max", withBounds(nil, ptr(500)), []*float64{ptr(612)}, "`m` was 612, above the maximum 500"},
		{"inside both bounds", withBounds(ptr(1), ptr(2)), []*float64{ptr(1.5)}, "`m` was 1.5 (allowed 1 to 2)"},
		{"straddles the minimum", withBounds(ptr(99), nil), []*float64{ptr(98), ptr(100)}, "`m` was 98–100 (minimum 99)"},
		{"no bounds", withBounds(nil, nil), []*float64{ptr(3)}, "`m` was 3"},
		{"no values", Metric{Name: "m", Error: "no values found"}, []*float64{nil}, "`m` returned no values: no values found"},
		{"query error", Metric{Name: "m", Max: ptr(1), Error: "template: missing key"}, []*float64{ptr(0)}, "`m` was 0 (maximum 1): template: missing key"},
	}
	for _, tc := range tests {
		if got := metricCause(tc.metric, tc.values); got != tc.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestFailureSpans(t *testing.T) {
	ticks := rolledBackRun().Ticks
	want := []span{{3, 6}, {7, 7}} // ticks 4–7 (success rate), tick 8 (duration)
	if got := failureSpans(ticks); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v; want %v", got, want)
	}
	if got := failureSpans(promotedRun().Ticks); got != nil {
		t.Errorf("a clean run has failure spans %v", got)
	}
}

func TestHookDetails(t *testing.T) {
	tick := Tick{Webhooks: []Webhook{
		loadTest(),
		{Name: "gate", Type: "confirm-promotion", Status: 403},
		{Name: "stop", Type: "rollback", Status: 200, Passed: true},
		{Name: "notify", Type: "post-rollout", Error: "timeout"},
	}}
	want := []string{
		"hook `stop` (rollback) answered 200",
		"hook `notify` (post-rollout) did not answer: timeout, which Flagger ignores",
	}
	if got := hookDetails(tick); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestGateFindings(t *testing.T) {
	closed := Webhook{Name: "step", Type: "confirm-traffic-increase", Status: 403}
	ticks := []Tick{
		{Tick: 1, T: 60},
		{Tick: 2, T: 120, Webhooks: []Webhook{closed}},
		{Tick: 3, T: 180, Webhooks: []Webhook{closed, loadTest()}},
		{Tick: 4, T: 240, Webhooks: []Webhook{{Name: "step", Type: "confirm-traffic-increase", Status: 200, Passed: true}}},
		{Tick: 5, T: 300, Webhooks: []Webhook{{Name: "x", Type: "rollout", Status: 500}}},
	}
	want := []finding{{1, "**Ticks 2–3** (2m0s–3m0s): held back by a closed gate — hook `step` (confirm-traffic-increase) answered 403."}}
	if got := gateFindings(ticks); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestFailureCauseFindsMetricsByName(t *testing.T) {
	ticks := []Tick{
		{Tick: 4, FailedChecks: 1, Metrics: []Metric{successRate(ptr(80))}},
		{Tick: 5, FailedChecks: 2, Metrics: []Metric{duration(300), successRate(ptr(85))}},
	}
	want := "`request-success-rate` was 80–85, below the minimum 99"
	if got := failureCause(ticks); got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}
