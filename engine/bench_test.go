// This file benchmarks deciding one analysis tick of a progressing canary with two metrics and a hook,
// by Step's re-entries and as the runner does it (NextQuestion, then one Step).

package engine

import (
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// BenchmarkStep is the cost of deciding one analysis tick (a Progressing
// canary with two metrics and a rollout hook), counting the re-entries that
// gather the three answers.
func BenchmarkStep(b *testing.B) {
	cd, obs := benchTick()
	b.ReportAllocs()
	for b.Loop() {
		clear(obs.Answers)
		for {
			d := Step(cd, obs, epoch, Options{})
			if d.Ask == nil {
				break
			}
			obs.Answers[*d.Ask] = Answer{Status: 200, Value: 100}
		}
	}
}

// BenchmarkTick decides the same tick as the runner does: the answers
// gathered with NextQuestion, then one Step.
func BenchmarkTick(b *testing.B) {
	cd, obs := benchTick()
	b.ReportAllocs()
	for b.Loop() {
		clear(obs.Answers)
		for {
			q, ok := NextQuestion(cd, obs, epoch, Options{})
			if !ok {
				break
			}
			obs.Answers[q] = Answer{Status: 200, Value: 100}
		}
		Step(cd, obs, epoch, Options{})
	}
}

func benchTick() (*v1beta1.Canary, Observations) {
	cd := podinfo(withHooks(hook(v1beta1.RolloutHook, "load")))
	cd.Status = v1beta1.CanaryStatus{Phase: v1beta1.CanaryPhaseProgressing, CanaryWeight: 20, LastAppliedSpec: "rev-2", LastPromotedSpec: "rev-1"}
	obs := Observations{Target: Workload{Exists: true, Revision: "rev-2"}, Primary: Workload{Exists: true, Revision: "rev-1"},
		Routes: Routes{Primary: 80, Canary: 20}, Answers: map[Question]Answer{}}
	return cd, obs
}
