// This file is the workload boundary: the readiness a workload fault
// forces on the canary's or the primary's pods.

package fault

import (
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
)

// Workload overrides the readiness of the canary's or the primary's pods
// (the Deployment named name) at now, if a fault fires; flapping faults
// alternate every interval.
func (p *Plan) Workload(cd *v1beta1.Canary, name string, now time.Time, interval time.Duration) (memory.Behaviour, bool) {
	if p == nil {
		return memory.Behaviour{}, false
	}
	role := "canary"
	if name == cd.PrimaryName() {
		role = "primary"
	} else if name != cd.Spec.TargetRef.Name {
		return memory.Behaviour{}, false
	}
	f, ok := p.active(scenarios.FaultWorkload, now, func(f scenarios.Fault) bool { return f.Workload == role })
	if !ok {
		return memory.Behaviour{}, false
	}
	since := p.epoch.Add(f.At)
	switch f.Kind {
	case "crash-loop":
		return memory.Behaviour{Never: true, Reason: "CrashLoopBackOff", Since: since}, true
	case "flap":
		if int(now.Sub(since)/interval)%2 == 1 {
			return memory.Behaviour{}, false
		}
	}
	return memory.Behaviour{Never: true, Reason: "readiness probe failing", Since: since}, true
}
