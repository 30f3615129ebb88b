// This file hands the scenario's faults (sim/fault) the world's
// Prometheus boundary.

package sim

import (
	"time"

	"github.com/rehearse-dev/rehearse/sim/fault"
)

// promTimeout is the Prometheus provider's query timeout (Flagger's 5s).
const promTimeout = 5 * time.Second

// promFaults reaches the synthetic Prometheus (none when a script answers)
// and the engine's queries of it, with the provider's timeout shrunk like
// the world's time.
func (w *world) promFaults() fault.Prometheus {
	p := fault.Prometheus{Plan: w.faults, Timeout: time.Duration(float64(promTimeout) * timeScale)}
	if w.prom != nil {
		p.Server = w.prom
	}
	return p
}
