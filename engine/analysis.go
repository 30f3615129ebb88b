// This file runs one analysis interval: whether this tick analyses at all, then the metric checks
// (through assess.go) and the rollout hooks, as a gate for advance.go.

package engine

import (
	"strconv"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// analyse runs the tick's checks. On the first tick of a revision (no
// traffic yet, no iteration) only pre-rollout hooks run; afterwards rollout
// hooks, then the metrics. The first failure counts one failed check and ends
// the tick; a later pass never takes it back.
func (s *stepper) analyse() bool {
	var g gate
	if s.firstAnalysisTick() {
		s.sayJoin(EventNormal, "Starting canary analysis for ", s.cd.Spec.TargetRef.Name, ".", s.cd.Namespace)
		if g = s.runHooks(v1beta1.PreRolloutHook, v1beta1.CanaryPhaseProgressing); g == failed {
			s.haltWhy = "pre-rollout hook " + s.lastHookFailure()
		}
	} else {
		g = s.runAnalysis()
	}
	switch g {
	case pending:
		return true
	case failed:
		s.addFailedCheck()
		s.reasonJoin("halt advancement: ", s.haltWhy, " (failed checks ", strconv.Itoa(s.status.FailedChecks),
			" of ", strconv.Itoa(s.cd.GetAnalysisThreshold()), ")")
		return true
	}
	return false
}

func (s *stepper) firstAnalysisTick() bool {
	r := s.obs.Routes
	return r.Canary == 0 && s.cd.Status.Iterations == 0 && !(s.analysis.Mirror && r.Mirrored)
}

func (s *stepper) runAnalysis() gate {
	if g := s.runHooks(v1beta1.RolloutHook, v1beta1.CanaryPhaseProgressing); g != passed {
		if g == failed {
			s.haltWhy = "rollout hook " + s.lastHookFailure()
		}
		return g
	}
	return s.runMetrics()
}

// runMetrics measures and judges each metric in Flagger's order.
func (s *stepper) runMetrics() gate {
	var buf [8]PlannedCheck
	for _, pc := range appendMetricChecks(buf[:0], s.analysis.Metrics) {
		m := s.analysis.Metrics[pc.Index]
		q := Question{Kind: AskMetric, Index: pc.Index, Check: pc.Check}
		var a Answer
		if pc.Check != CheckUnusable {
			var ok bool
			if a, ok = s.ask(q); !ok {
				return pending
			}
		}
		if s.quiet {
			if f, _, _ := failureOf(m, pc.Check, a); f != noFailure {
				return failed
			}
			continue
		}
		v, _ := judge(m, pc.Check, a)
		s.check(Check{Question: q, Name: m.Name, Answer: a, Passed: v.Passed})
		if !v.Passed {
			s.sayJoin(EventWarning, "Halt ", s.cd.Name, ".", s.cd.Namespace, " advancement ", v.Reason)
			s.haltWhy = v.Reason
			return failed
		}
	}
	return passed
}
