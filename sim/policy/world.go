// This file builds the scenario of one policy: a healthy world (traffic,
// latency, webhooks answering as a rollout nobody stops sees them) that the
// policy then spoils.

package policy

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/load"
)

// scenario builds the rehearsal of one policy: a healthy world that the
// policy then spoils, and what the policy requires.
func (s *subject) scenario(p policy, name string, opts Options) *scenarios.Scenario {
	healthy := s.latency.healthy()
	sc := &scenarios.Scenario{
		Name: name, File: s.origin.File, Dir: filepath.Dir(s.origin.File),
		ManifestFiles: s.files, Manifests: s.set, Canary: s.cd, Provider: s.cd.Spec.Provider,
		Release: scenarios.Release{From: s.from, To: s.to},
		Versions: map[string]*scenarios.Version{
			s.from: {Image: s.from, SuccessRate: scenarios.DefaultSuccessRate, Latency: healthy},
			s.to:   {Image: s.to, SuccessRate: scenarios.DefaultSuccessRate, Latency: healthy},
		},
		Traffic:  scenarios.Traffic{RPS: RPS},
		Webhooks: s.approvingHooks(),
	}
	p.world(s, sc)
	sc.Expect = s.expect(p, opts)
	sc.Limits.MaxDuration = s.runLimit(sc)
	sc.Description = s.describe(p, sc.Expect)
	return sc
}

// approvingHooks answers every webhook the way a rollout that nobody stops
// sees it: 200, except rollback hooks (403: do not roll back) and load
// tests, which the loadtester model answers as flagger-loadtester would
// (at once for a cmd task, when its hey ends for a bash one) and turns
// into traffic.
func (s *subject) approvingHooks() map[string]*scenarios.Webhook {
	out := map[string]*scenarios.Webhook{}
	for _, wh := range s.webhooks() {
		switch {
		case wh.Type == v1beta1.RollbackHook:
			out[wh.Name] = answering(wh.Name, http.StatusForbidden)
		case isLoadTest(wh):
		default:
			out[wh.Name] = answering(wh.Name, http.StatusOK)
		}
	}
	return out
}

// testHooks are the pre-rollout and rollout webhooks that run a test of
// their own (a k6 script, a smoke test, a custom service) rather than a
// gate or a load test rehearse models: a rehearsal answers them 200, so
// what they would catch is not rehearsed.
func (s *subject) testHooks() []string {
	var out []string
	for _, wh := range s.webhooks() {
		isTest := wh.Type == v1beta1.PreRolloutHook || wh.Type == v1beta1.RolloutHook || wh.Type == ""
		if isTest && !isLoadTest(wh) && !isGate(wh) {
			out = append(out, wh.Name)
		}
	}
	return out
}

// isGate is a flagger-loadtester gate, whose answers rehearse models.
func isGate(wh v1beta1.CanaryWebhook) bool {
	u, err := url.Parse(wh.URL)
	return err == nil && (strings.HasPrefix(u.Path, "/gate/") || strings.HasPrefix(u.Path, "/rollback/"))
}

// isLoadTest is a flagger-loadtester cmd task, or a bash task running hey:
// its command is modelled.
func isLoadTest(wh v1beta1.CanaryWebhook) bool {
	if wh.Metadata == nil {
		return false
	}
	md := *wh.Metadata
	switch md["type"] {
	case "", "cmd":
		return md["cmd"] != ""
	case "bash":
		_, err := load.ParseHey(md["cmd"])
		return err == nil
	}
	return false
}

func answering(name string, status int) *scenarios.Webhook {
	return &scenarios.Webhook{Name: name, Answers: []scenarios.TimedAnswer{{HookAnswer: scenarios.HookAnswer{Status: status}}}}
}

// expect is what the policy requires, with the Canary's overrides.
func (s *subject) expect(p policy, opts Options) scenarios.Expect {
	outcome := p.outcome
	if o, ok := s.over.expect[p.name]; ok {
		outcome = o
	}
	e := scenarios.Expect{Outcome: outcome, Within: s.budget(outcome, opts)}
	if p.name == FailingPreRollout && outcome == v1beta1.CanaryPhaseFailed {
		zero := 0
		e.MaxWeight = &zero // no user may reach a release its tests refused
	}
	return e
}

func (s *subject) describe(p policy, e scenarios.Expect) string {
	d := fmt.Sprintf("Built-in policy %s: Canary %s must %s %s within %s. The release is %s, from %s.",
		p.name, s.ref, verbFor(e.Outcome), p.release(s), e.Within, s.to, s.from)
	if hooks := s.assumedHooks(); hooks != "" {
		d += " " + hooks
	}
	return d
}

// assumedHooks says how the webhooks answer, since rehearse runs none.
func (s *subject) assumedHooks() string {
	var plain []string
	for _, wh := range s.webhooks() {
		if wh.Type != v1beta1.RollbackHook && !isLoadTest(wh) {
			plain = append(plain, wh.Name)
		}
	}
	if len(plain) == 0 {
		return ""
	}
	if len(plain) == 1 {
		return fmt.Sprintf("Rehearse runs no webhook command: webhook %s answers 200 unless the policy says otherwise.", plain[0])
	}
	return fmt.Sprintf("Rehearse runs no webhook command: webhooks %s answer 200 unless the policy says otherwise.", strings.Join(plain, ", "))
}
