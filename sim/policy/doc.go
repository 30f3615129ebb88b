// Package policy turns a user's manifests into rehearsals of the canary
// policy they encode. For every Canary it builds one scenario per built-in
// policy that applies:
//
//   - bad-release: the new version fails half of its requests from the
//     start; the Canary must roll it back within the rollback budget;
//   - slow-release: the new version's P99 latency is far above every
//     duration bound; it must be rolled back within the rollback budget
//     (only for Canaries that check latency);
//   - good-release: the new version is healthy; it must be promoted within
//     a budget derived from the analysis (ticks to the last step, the
//     promotion ticks and a margin of two intervals);
//   - failing-pre-rollout: every pre-rollout hook answers 500; no traffic
//     may reach the new version and the rollout must fail within the
//     rollback budget (only for Canaries with pre-rollout hooks).
//
// A Canary with skipAnalysis only gets good-release, and a finding that it
// cannot catch anything.
//
// Users tune the policies per Canary with annotations:
//
//	rehearse.dev/skip: slow-release,failing-pre-rollout  # do not rehearse these
//	rehearse.dev/max-rollback-time: 15m                  # rollback budget
//	rehearse.dev/max-promotion-time: 20m                 # promotion budget
//	rehearse.dev/expect.good-release: Failed             # Succeeded or Failed
//
// An expect annotation also makes a policy run where it would not apply.
//
// The synthetic Prometheus only serves the request series of the Canary's
// provider. A MetricTemplate whose query reads other series (an
// application's own metrics) cannot be rehearsed: its metric is replaced in
// the rehearsed copy of the Canary by a constant query that passes its
// thresholds, and a note says so. A series name one typo away from a
// served one is kept as written, so that the typo fails the rehearsal as it
// would fail the real rollout.
package policy
