// This file shows, as a runnable example, one rehearsal: a scenario
// replayed against the engine on the embedded cluster.

package sim_test

import (
	"context"
	"fmt"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
)

// Run rehearses one scenario in virtual time and returns its report: the
// same scenario and seed always give the same report.
func ExampleRun() {
	scs, err := scenarios.Load("../scenarios/library/bad-release.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := sim.Run(context.Background(), scs[0], sim.Options{})
	fmt.Println("decision:", r.Decision)
	fmt.Println("expectations held:", r.Passed)
	fmt.Println("ticks:", len(r.Ticks))
	// Output:
	// decision: rolled back
	// expectations held: true
	// ticks: 9
}
