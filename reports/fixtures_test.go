// This file builds the runs the golden files and tests read, by hand, shaped
// like what the simulator records for Flagger's own traces.

package reports

import (
	"fmt"
	"math"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// The runs below are built by hand to look like what the simulator records
// for Flagger's own traces (see shared/FLAGGER-SEMANTICS.md).

func ptr(v float64) *float64 { return &v }

func successRate(v *float64) Metric {
	m := Metric{Name: "request-success-rate", Value: v, Min: ptr(99), Passed: v != nil && *v >= 99}
	if v == nil {
		m.Error = "no values found for query sum(rate(istio_requests_total[1m]))"
	}
	return m
}

func duration(v float64) Metric {
	return Metric{Name: "request-duration", Value: ptr(v), Max: ptr(500), Passed: v <= 500,
		Query: `histogram_quantile(0.99, sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination"}[1m])) by (le))`}
}

func loadTest() Webhook {
	return Webhook{Name: "load-test", Type: "rollout", Status: 202, Passed: true}
}

// progressing is a tick of analysis at a given canary weight.
func progressing(n int, canary int, reason string, metrics ...Metric) Tick {
	t := Tick{Tick: n, T: float64(60 * n), Phase: "Progressing", PrimaryWeight: 100 - canary,
		CanaryWeight: canary, Metrics: metrics, Reason: reason}
	if len(metrics) > 0 {
		t.Webhooks = []Webhook{loadTest()}
	}
	return t
}

func promotedRun() *Run {
	ticks := []Tick{
		progressing(1, 0, "New revision detected: scaling up podinfo.test"),
		progressing(2, 0, "Advance podinfo.test: mirroring traffic to the canary"),
	}
	ticks[1].Mirrored = true
	for i, w := range []int{10, 20, 30, 40, 50} {
		ticks = append(ticks, progressing(3+i, w, fmt.Sprintf("Advance podinfo.test canary weight %d", w),
			successRate(ptr(99.5+float64(i)/10)), duration(420+float64(i)*3.333)))
	}
	ticks = append(ticks,
		Tick{Tick: 8, T: 480, Phase: "Promoting", PrimaryWeight: 50, CanaryWeight: 50,
			Metrics: []Metric{successRate(ptr(99.9)), duration(431.5)}, Webhooks: []Webhook{loadTest()},
			Reason: "Copying podinfo.test template spec to podinfo-primary.test"},
		Tick{Tick: 9, T: 540, Phase: "Finalising", PrimaryWeight: 100, Reason: "Routing all traffic to primary"},
		Tick{Tick: 10, T: 600, Phase: "Succeeded", PrimaryWeight: 100,
			Webhooks: []Webhook{{Name: "notify", Type: "post-rollout", Status: 200, Passed: true}},
			Reason:   "Promotion completed! Scaling down podinfo.test", Events: []string{"Promotion completed! Scaling down podinfo.test"},
			Alerts: []Alert{{Provider: "team", Type: "msteams", Severity: "info",
				Message: "Canary analysis completed successfully, promotion finished."}}},
	)
	return &Run{
		Scenario: "good-release", Description: "A healthy release with traffic mirroring first.",
		File: "scenarios/library/good-release.yaml", Canary: "test/podinfo", Provider: "istio",
		Strategy: "canary", Cluster: "memory", Seed: 7, Interval: 60, Outcome: "Succeeded",
		Decision: "promoted", DecidedAt: ptr(480), MaxWeight: 50, Passed: true,
		Expectations: []Expectation{
			{Description: "promoted", Passed: true},
			{Description: "max canary weight is 50", Passed: true, Detail: "got 50"},
		},
		Ticks: ticks,
	}
}

func rolledBackRun() *Run {
	ticks := []Tick{
		progressing(1, 0, "New revision detected: scaling up podinfo.test"),
		progressing(2, 10, "Advance podinfo.test canary weight 10"),
		progressing(3, 20, "Advance podinfo.test canary weight 20", successRate(ptr(99.8)), duration(410)),
	}
	for i, v := range []float64{80.123, 82.5, 79.996, 81} {
		t := progressing(4+i, 20, fmt.Sprintf("Halt advancement: request-success-rate %s < 99 | failed checks %d", text.Value(v), i+1),
			successRate(ptr(v)))
		t.FailedChecks = i + 1
		ticks = append(ticks, t)
	}
	slow := progressing(8, 20, "Halt advancement: request-duration +Inf > 500 | failed checks 5",
		successRate(ptr(99.1)), duration(0))
	slow.Metrics[1].Value, slow.Metrics[1].Passed, slow.FailedChecks = ptr(math.Inf(1)), false, 5
	ticks = append(ticks, slow, Tick{
		Tick: 9, T: 540, Phase: "Failed", PrimaryWeight: 100,
		Webhooks: []Webhook{{Name: "notify", Type: "post-rollout", Status: 500, Passed: false, Error: "connection reset by peer"}},
		Reason:   "Rolling back podinfo.test: failed checks threshold reached 5",
		Events:   []string{"Canary failed! Scaling down podinfo.test"},
		Alerts: []Alert{
			{Provider: "on-call", Type: "slack", Severity: "error", Message: "Failed checks threshold reached 5"},
			{Provider: "chat", Type: "discord", Severity: "error", Message: "Failed checks threshold reached 5",
				Error: "a Slack-shaped payload sent to a Discord webhook without the /slack suffix"},
		},
	})
	return &Run{
		Scenario: "bad-release", Description: "The success rate drops to about 80% from tick 4.",
		File: "scenarios/library/bad-release.yaml", Canary: "test/podinfo", Provider: "istio",
		Strategy: "canary", Cluster: "memory", Seed: 42, Interval: 60, Outcome: "Failed",
		Decision: "rolled back", DecidedAt: ptr(540), MaxWeight: 20, Passed: true,
		Expectations: []Expectation{
			{Description: "rolled back", Passed: true},
			{Description: "decided within 10m0s", Passed: true, Detail: "decided at 9m0s"},
		},
		Ticks: ticks,
		Notes: []string{
			"Flagger checks the threshold at the start of the tick after the 5th failure, so the rollback comes one interval later than users expect.",
			"post-rollout hook failures are ignored: the rollback stands.",
		},
	}
}

func errorRun() *Run {
	return &Run{
		Scenario: "cluster-lost", Description: "The cluster goes away in the middle of the analysis.",
		Canary: "test/podinfo", Provider: "kubernetes", Strategy: "blue-green", Cluster: "envtest",
		Seed: 1, Interval: 30, Outcome: "Progressing", Decision: "undecided", MaxWeight: 0,
		Expectations: []Expectation{{Description: "promoted", Passed: false, Detail: "the run stopped at tick 2"}},
		Ticks: []Tick{
			{Tick: 1, T: 30, Phase: "Progressing", PrimaryWeight: 100, Reason: "New revision detected: scaling up podinfo.test"},
			{Tick: 2, T: 60, Phase: "Progressing", PrimaryWeight: 100, Iterations: 1, FailedChecks: 1,
				Metrics: []Metric{successRate(nil)}, Webhooks: []Webhook{},
				Reason: "Halt advancement: no values found for request-success-rate"},
		},
		Error: "apply route weights for test/podinfo: dial tcp 127.0.0.1:6443: connect: connection refused\ncheck that the envtest kube-apiserver is still running",
	}
}

// gateClosedRun waits at max weight behind a closed confirm-promotion gate
// until the run ends after 40 ticks; metric values wobble from tick to tick.
func gateClosedRun() *Run {
	ticks := []Tick{progressing(1, 0, "New revision detected: scaling up podinfo.test")}
	for i, w := range []int{10, 20, 30, 40, 50} {
		ticks = append(ticks, progressing(2+i, w, fmt.Sprintf("Advance podinfo.test canary weight %d", w),
			successRate(ptr(99.4)), duration(400)))
	}
	gate := Webhook{Name: "approve", Type: "confirm-promotion", Status: 403, Passed: false, Error: "Forbidden: gate closed"}
	for n := 7; n <= 40; n++ {
		ticks = append(ticks, Tick{Tick: n, T: float64(60 * n), Phase: "WaitingPromotion",
			PrimaryWeight: 50, CanaryWeight: 50, Iterations: -1,
			Metrics:  []Metric{successRate(ptr(99 + float64(n%7)/7)), duration(380 + float64(n%5)*7.25)},
			Webhooks: []Webhook{loadTest(), gate},
			Reason:   "Halt podinfo.test advancement: waiting for approval approve"})
	}
	return &Run{
		Scenario: "gate-closed", File: "scenarios/library/gate-closed.yaml", Canary: "test/podinfo",
		Provider: "istio", Strategy: "canary", Cluster: "memory", Seed: 3, Interval: 60,
		Outcome: "WaitingPromotion", Decision: "waiting for approval", MaxWeight: 50,
		Expectations: []Expectation{
			{Description: "max canary weight is 50", Passed: true},
			{Description: "promoted within 20m0s", Passed: false, Detail: "still WaitingPromotion at 40m0s."},
		},
		Ticks: ticks,
		Notes: []string{"A closed confirm-promotion gate keeps the analysis running: a failure would still roll back."},
	}
}

// suspendedRun is a scenario whose Canary is suspended and which expects
// nothing: it is not rehearsed.
func suspendedRun() *Run {
	return &Run{
		Scenario: "suspended", File: "fixtures/patterns/suspended/scenarios/suspended.yaml", Canary: "test/podinfo",
		Provider: "istio", Strategy: "canary", Cluster: "memory", Seed: 1, Interval: 60,
		Decision: "not rehearsed", Passed: true, Skipped: SkippedSuspended,
	}
}

// notRehearsableRun reads a queue gauge the rehearsal cannot produce: its
// checks find nothing, so the run cannot tell what Flagger would do.
func notRehearsableRun() *Run {
	why := "cannot produce series `queue_depth{app=\"podinfo\"}` for metric `queue` (a gauge that is not a latency, which rehearse cannot derive from requests, errors and latency); give it in the scenario (`series:`) or leave it out"
	queue := Metric{Name: "queue", Max: ptr(10), Error: "no values found", Query: `max(queue_depth{app="podinfo"})`}
	return &Run{
		Scenario: "queue-gauge", File: "scenarios/queue-gauge.yaml", Canary: "test/podinfo",
		Provider: "istio", Strategy: "canary", Cluster: "memory", Seed: 1, Interval: 60,
		Outcome: "Progressing", Decision: "undecided", MaxWeight: 10,
		Expectations: []Expectation{{Description: "the outcome is Succeeded", Passed: false, Detail: "the run ended in Progressing"}},
		Ticks: []Tick{
			progressing(1, 0, "New revision detected: scaling up podinfo.test"),
			progressing(2, 10, "Advance podinfo.test canary weight 10"),
			{Tick: 3, T: 180, Phase: "Progressing", PrimaryWeight: 90, CanaryWeight: 10, FailedChecks: 1,
				Metrics: []Metric{successRate(ptr(100)), queue}, Webhooks: []Webhook{},
				Reason: "Halt advancement: no values found for metric queue"},
		},
		Notes:          []string{why},
		NotRehearsable: why,
	}
}

// allRuns returns fresh copies of every hand-built run.
func allRuns() []*Run {
	return []*Run{promotedRun(), rolledBackRun(), errorRun(), gateClosedRun(), suspendedRun(), notRehearsableRun()}
}
