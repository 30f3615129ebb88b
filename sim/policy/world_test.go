// This file checks the rehearsal's image, the webhooks' answers in each
// policy's world, and the latencies of healthy and slow releases.

package policy

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
)

func TestRehearsalImage(t *testing.T) {
	cases := []struct{ from, want string }{
		{"ghcr.io/stefanprodan/podinfo:6.5.0", "ghcr.io/stefanprodan/podinfo:6.5.0-rehearsal"},
		{"nginx", "nginx:rehearsal"},
		{"localhost:5000/team/app", "localhost:5000/team/app:rehearsal"},
		{"localhost:5000/team/app:1.2", "localhost:5000/team/app:1.2-rehearsal"},
		{"app@sha256:aaaa", ""},
	}
	for _, c := range cases {
		got := rehearsalImage(c.from)
		if strings.Contains(c.from, "@") {
			// A new digest of the same form, never the old one.
			if !strings.HasPrefix(got, "app@sha256:") || len(got) != len("app@sha256:")+64 || got == c.from || got != rehearsalImage(c.from) {
				t.Errorf("rehearsalImage(%q) = %q, want a stable new sha256 digest", c.from, got)
			}
			continue
		}
		if got != c.want {
			t.Errorf("rehearsalImage(%q) = %q, want %q", c.from, got, c.want)
		}
	}
}

// TestWorlds: each policy spoils the healthy world in its own way, and
// every webhook answers as a rollout nobody stops would see it.
func TestWorlds(t *testing.T) {
	files := map[string]string{"canary.yaml": canaryYAML("app", "", analysis(successRate+duration, preRollout)), "deploy.yaml": deploymentYAML}
	p, err := Build(loadSet(t, files), Options{})
	if err != nil {
		t.Fatal(err)
	}
	const from, to = "registry.example.com/app:1.0", "registry.example.com/app:1.0-rehearsal"
	healthy := scenarios.Latency{P50: 10 * time.Millisecond, P99: 50 * time.Millisecond}
	cases := []struct {
		policy  string
		rate    float64
		latency scenarios.Latency
		smoke   int
	}{
		{BadRelease, 50, healthy, http.StatusOK},
		{SlowRelease, 100, scenarios.Latency{P50: 8 * time.Second, P99: 10 * time.Second}, http.StatusOK},
		{GoodRelease, 100, healthy, http.StatusOK},
		{FailingPreRollout, 100, healthy, http.StatusInternalServerError},
	}
	for _, c := range cases {
		t.Run(c.policy, func(t *testing.T) {
			sc := rehearsalOf(t, p, c.policy).Scenario
			if sc.Release.From != from || sc.Release.To != to {
				t.Errorf("release %s → %s, want %s → %s", sc.Release.From, sc.Release.To, from, to)
			}
			if old := sc.Versions[from]; old.SuccessRate != 100 || old.Latency != healthy {
				t.Errorf("the running version is %+v, want healthy", old)
			}
			if v := sc.Versions[to]; v.SuccessRate != c.rate || v.Latency != c.latency {
				t.Errorf("the release is %+v, want success %g and latency %+v", v, c.rate, c.latency)
			}
			checkHooks(t, sc, c.smoke)
			if sc.Traffic.RPS != RPS || sc.Limits.MaxDuration < 2*sc.Expect.Within {
				t.Errorf("traffic %+v, limit %s for a budget of %s", sc.Traffic, sc.Limits.MaxDuration, sc.Expect.Within)
			}
		})
	}
}

func checkHooks(t *testing.T, sc *scenarios.Scenario, smoke int) {
	t.Helper()
	if got := sc.Webhooks["smoke"].AnswerAt(0).Status; got != smoke {
		t.Errorf("smoke answers %d, want %d", got, smoke)
	}
	if got := sc.Webhooks["abort"].AnswerAt(0).Status; got != http.StatusForbidden {
		t.Errorf("the rollback hook answers %d, want 403 (no rollback)", got)
	}
	if _, scripted := sc.Webhooks["load"]; scripted {
		t.Error("the load test has a scripted answer: its hey command would still be modelled, but the loadtester's 202 is what Flagger sees")
	}
}

// TestHealthyLatency: a healthy version stays well under the tightest
// duration bound.
func TestHealthyLatency(t *testing.T) {
	cases := []struct {
		bounds   []float64
		p50, p99 time.Duration
	}{
		{nil, 10 * time.Millisecond, 50 * time.Millisecond},
		{[]float64{500, 1000}, 10 * time.Millisecond, 50 * time.Millisecond},
		{[]float64{500, 40}, 10 * time.Millisecond, 20 * time.Millisecond},
		{[]float64{10}, 2500 * time.Microsecond, 5 * time.Millisecond},
		{[]float64{0}, 50 * time.Microsecond, 100 * time.Microsecond},
	}
	for _, c := range cases {
		got := latencyChecks{bounds: c.bounds}.healthy()
		if got.P50 != c.p50 || got.P99 != c.p99 {
			t.Errorf("bounds %v: healthy latency %+v, want p50 %s p99 %s", c.bounds, got, c.p50, c.p99)
		}
	}
}

// TestSlowP99: far above every bound the synthetic histograms can read.
func TestSlowP99(t *testing.T) {
	cases := []struct {
		bounds []float64
		want   time.Duration
	}{
		{nil, SlowP99},
		{[]float64{500}, SlowP99},
		{[]float64{10000}, maxP99},
		{[]float64{12000, 15000}, maxP99},
	}
	for _, c := range cases {
		if got := (latencyChecks{bounds: c.bounds}).slowP99(); got != c.want {
			t.Errorf("bounds %v: slow P99 %s, want %s", c.bounds, got, c.want)
		}
	}
}

// TestPromotionBudget: ticks to Succeeded, as the traces of Flagger's
// scheduler show them, plus a margin of two intervals.
func TestPromotionBudget(t *testing.T) {
	cases := []struct {
		name     string
		provider string
		a        v1beta1.CanaryAnalysis
		skip     bool
		ticks    int
		promotes bool
	}{
		{"canary 10 to 50", "istio", v1beta1.CanaryAnalysis{StepWeight: 10, MaxWeight: 50}, false, 9, true},
		{"canary to 100 by 30", "istio", v1beta1.CanaryAnalysis{StepWeight: 30}, false, 8, true},
		{"step weights", "istio", v1beta1.CanaryAnalysis{StepWeights: []int{5, 10, 20, 40, 60}}, false, 9, true},
		{"mirror", "istio", v1beta1.CanaryAnalysis{StepWeight: 10, MaxWeight: 50, Mirror: true}, false, 10, true},
		{"gradual promotion", "istio", v1beta1.CanaryAnalysis{StepWeight: 10, MaxWeight: 50, StepWeightPromotion: 25}, false, 12, true},
		{"blue/green", "istio", v1beta1.CanaryAnalysis{Iterations: 5}, false, 10, true},
		{"kubernetes provider", "kubernetes", v1beta1.CanaryAnalysis{StepWeight: 10}, false, 15, true},
		{"skipAnalysis", "istio", v1beta1.CanaryAnalysis{StepWeight: 10}, true, 2, true},
		{"never promotes", "istio", v1beta1.CanaryAnalysis{}, false, 5, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := c.a
			a.Interval = "30s"
			cd := &v1beta1.Canary{Spec: v1beta1.CanarySpec{Provider: c.provider, SkipAnalysis: c.skip, Analysis: &a}}
			ticks, ok := promotionTicks(cd, c.provider)
			if ticks != c.ticks || ok != c.promotes {
				t.Fatalf("promotionTicks = %d, %v; want %d, %v", ticks, ok, c.ticks, c.promotes)
			}
			s := &subject{cd: cd, provider: c.provider}
			if got, want := s.budget(v1beta1.CanaryPhaseSucceeded, Options{}), time.Duration(c.ticks+2)*30*time.Second; got != want {
				t.Errorf("budget %s, want %s", got, want)
			}
		})
	}
}
