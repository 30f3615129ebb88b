// This file shows, as a runnable example, how a caller drives engine.Step:
// observations in, one decision out, no clock and no I/O.

package engine_test

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// A new Canary whose Deployment exists: the first tick initializes it
// (creates the primary, routes all traffic to it) and says when to look
// again.
func ExampleStep() {
	cd := &v1beta1.Canary{
		ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test"},
		Spec: v1beta1.CanarySpec{
			Provider:  v1beta1.KubernetesProvider,
			TargetRef: v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"},
			Analysis:  &v1beta1.CanaryAnalysis{Interval: "1m", Threshold: 5, Iterations: 10},
		},
	}
	obs := engine.Observations{Target: engine.Workload{Exists: true, Revision: "7d9f", Readiness: engine.Ready}}
	d := engine.Step(cd, obs, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), engine.Options{})
	fmt.Println("phase:", d.Status.Phase)
	for _, a := range d.Actions {
		fmt.Println("action:", a.Kind)
	}
	fmt.Println("next look in", d.RequeueAfter)
	// Output:
	// phase: Initializing
	// action: initialize
	// next look in 1m0s
}
