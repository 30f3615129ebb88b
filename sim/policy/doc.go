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
// The synthetic Prometheus serves the request series of the Canary's
// provider and, planned from each template and inline query (see
// traffic.Synthesize), the series those queries read beyond them, written
// from the same traffic. A metric whose series rehearse cannot produce (a
// gauge that is not a latency, say) is replaced in the rehearsed copy of
// the Canary by a constant query that passes its thresholds, only so that
// it cannot decide the good-release run, and a note says so. A policy that
// only such metrics could decide (bad-release with no rehearsed check of
// errors, slow-release with none of latency) is not rehearsable: it is not
// run, and its report says why, never failing. A series name one typo
// away from a builtin one is kept as written, so that the typo fails the
// rehearsal as it would fail the real rollout.
package policy
