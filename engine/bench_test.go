// This file benchmarks deciding one analysis tick of a progressing canary with two metrics and a hook.

package engine

import (
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// BenchmarkStep is the cost of deciding one analysis tick (a Progressing
// canary with two metrics and a rollout hook), counting the re-entries that
// gather the three answers.
func BenchmarkStep(b *testing.B) {
	cd := podinfo(withHooks(hook(v1beta1.RolloutHook, "load")))
	cd.Status = v1beta1.CanaryStatus{Phase: v1beta1.CanaryPhaseProgressing, CanaryWeight: 20, LastAppliedSpec: "rev-2", LastPromotedSpec: "rev-1"}
	obs := Observations{Target: Workload{Exists: true, Revision: "rev-2"}, Primary: Workload{Exists: true, Revision: "rev-1"},
		Routes: Routes{Primary: 80, Canary: 20}, Answers: map[Question]Answer{}}
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
