// This file defines the built-in policies: the world each builds, the
// outcome it requires, when it applies and which checks could catch its
// release.

package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// The built-in policies.
const (
	BadRelease        = "bad-release"
	SlowRelease       = "slow-release"
	GoodRelease       = "good-release"
	FailingPreRollout = "failing-pre-rollout"
)

// Names lists the built-in policies in the order they are rehearsed.
var Names = []string{BadRelease, SlowRelease, GoodRelease, FailingPreRollout}

// The worlds' numbers.
const (
	// BadSuccessRate is the share of requests (percent) the bad release
	// answers without a 5xx: half of them fail.
	BadSuccessRate = 50.0
	// SlowP99 is the slow release's P99 latency, far above any sane bound.
	SlowP99 = 10 * time.Second
	// maxP99 is the slowest P99 the synthetic histograms read back exactly.
	maxP99 = 12500 * time.Millisecond
	// RPS is the traffic on the apex service: with no noise, enough for
	// every builtin query to find values at any weight.
	RPS = 20.0
	// DefaultMaxRollbackTime is the rollback budget when none is given.
	DefaultMaxRollbackTime = 10 * time.Minute
	// marginTicks is added to the ticks a promotion needs, for its budget.
	marginTicks = 2
	// failingStatus is what a failing hook answers.
	failingStatus = 500
)

// policy is one built-in policy: the world it builds, the outcome it
// requires and when it makes sense.
type policy struct {
	name    string
	outcome v1beta1.CanaryPhase
	// applies says why the policy does not apply to a Canary, or "".
	applies func(s *subject) string
	// rehearsable says why the checks that could decide the policy cannot
	// be rehearsed (their series cannot be produced), or "".
	rehearsable func(s *subject) string
	// catchers are the rehearsed checks that could catch the release.
	catchers func(s *subject) []string
	// world shapes the new version and the webhooks of a healthy world.
	world func(s *subject, sc *scenarios.Scenario)
	// release describes the new version, for sentences about the policy.
	release func(s *subject) string
}

var policies = []policy{
	{BadRelease, v1beta1.CanaryPhaseFailed, analysed, errorsRehearsable, errorCatchers, badWorld, badRelease},
	{SlowRelease, v1beta1.CanaryPhaseFailed, checksLatency, latencyRehearsable, latencyCatchers, slowWorld, slowRelease},
	{GoodRelease, v1beta1.CanaryPhaseSucceeded, notSuspended, always, none, func(*subject, *scenarios.Scenario) {}, goodRelease},
	{FailingPreRollout, v1beta1.CanaryPhaseFailed, hasPreRollout, always, none, failingPreRolloutWorld, failingPreRolloutRelease},
}

// notSuspended rules out a suspended Canary: Flagger neither advances nor
// fails it, so no policy can hold or fail.
func notSuspended(s *subject) string {
	if s.cd.Spec.Suspend {
		return reports.SkippedSuspended
	}
	return ""
}

func always(*subject) string { return "" }

func none(*subject) []string { return nil }

// analysed rules out Canaries that promote without looking.
func analysed(s *subject) string {
	if why := notSuspended(s); why != "" {
		return why
	}
	if s.cd.SkipAnalysis() {
		return "skipAnalysis: Flagger promotes every release without checking it"
	}
	return ""
}

// checksLatency: a slow release can only be caught by a latency check
// (one rehearse cannot rehearse counts: see latencyRehearsable).
func checksLatency(s *subject) string {
	if why := analysed(s); why != "" {
		return why
	}
	l := s.latency
	switch {
	case len(l.templates) > 0, l.usableBound(), len(l.stubbed) > 0, len(s.testHooks()) > 0:
		return ""
	case len(l.bounds) > 0:
		return fmt.Sprintf("request-duration allows %gms, more than the slowest latency rehearse simulates (%s)", l.tightest(), maxP99)
	}
	return "no request-duration metric and no metric template measuring duration or latency: a slow release would be promoted"
}

// latencyRehearsable: a slow release is not rehearsable when only checks
// whose series rehearse cannot produce could catch it.
func latencyRehearsable(s *subject) string {
	l := s.latency
	if len(l.templates) > 0 || l.usableBound() {
		return ""
	}
	if len(l.stubbed) > 0 {
		return fmt.Sprintf("latency is only checked by %s, whose series rehearse cannot produce", strings.Join(l.stubbed, ", "))
	}
	if hooks := s.testHooks(); len(hooks) > 0 {
		return fmt.Sprintf("no metric checks latency, and webhook %s runs a test rehearse does not run, which may check it", strings.Join(hooks, ", "))
	}
	return ""
}

func latencyCatchers(s *subject) []string {
	out := slices.Clone(s.latency.templates)
	if s.latency.usableBound() {
		out = append([]string{manifest.RequestDuration}, out...)
	}
	return out
}

// errorsRehearsable: a bad release is not rehearsable when only checks
// whose series rehearse cannot produce could catch it.
func errorsRehearsable(s *subject) string {
	e := s.errors
	if len(e.rehearsed) > 0 || len(e.stubbed) == 0 {
		return ""
	}
	return fmt.Sprintf("errors are only checked by %s, whose series rehearse cannot produce", strings.Join(e.stubbed, ", "))
}

func errorCatchers(s *subject) []string { return s.errors.rehearsed }

func hasPreRollout(s *subject) string {
	if why := analysed(s); why != "" {
		return why
	}
	if len(s.hooksOfType(v1beta1.PreRolloutHook)) == 0 {
		return "no pre-rollout webhook"
	}
	return ""
}

func badWorld(s *subject, sc *scenarios.Scenario) {
	sc.Versions[s.to].SuccessRate = BadSuccessRate
}

func slowWorld(s *subject, sc *scenarios.Scenario) {
	p99 := s.latency.slowP99()
	sc.Versions[s.to].Latency = scenarios.Latency{P50: p99 * 4 / 5, P99: p99}
}

func failingPreRolloutWorld(s *subject, sc *scenarios.Scenario) {
	for _, name := range s.hooksOfType(v1beta1.PreRolloutHook) {
		sc.Webhooks[name] = answering(name, failingStatus)
	}
}

func badRelease(*subject) string {
	return fmt.Sprintf("a release that fails %g%% of its requests", 100-BadSuccessRate)
}

func slowRelease(s *subject) string {
	return fmt.Sprintf("a release whose P99 latency is %s", s.latency.slowP99())
}

func goodRelease(*subject) string { return "a healthy release" }

func failingPreRolloutRelease(s *subject) string {
	return fmt.Sprintf("a release whose pre-rollout hooks (%s) answer %d", strings.Join(s.hooksOfType(v1beta1.PreRolloutHook), ", "), failingStatus)
}
