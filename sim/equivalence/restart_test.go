// This file tests that the engine is level-triggered on envtest: a controller
// killed part-way through a tick and replaced reaches the same decision.

package equivalence

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
)

// The engine is level-triggered: a controller killed part-way through any
// tick on a real API server, and replaced, reaches the decision an
// uninterrupted run reaches.
var _ = Describe("a controller restart on envtest", Ordered, func() {
	var session *sim.Session
	BeforeAll(func() {
		if len(onServer) == 0 {
			Skip("the envtest control plane is not available")
		}
		var err error
		session, err = sim.Open(context.Background(), sim.Options{Cluster: "envtest"})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(session.Close)
	})
	for _, name := range []string{"bad-release", "good-release", "blue-green"} {
		It("at every tick of "+name+" reaches the same decision", func() {
			var sc *scenarios.Scenario
			for _, s := range library {
				if s.Name == name {
					sc = s
				}
			}
			Expect(sc).NotTo(BeNil())
			base := memory[name]
			for tick := 1; tick <= len(base.Ticks); tick++ {
				c := *sc
				c.Name = fmt.Sprintf("%s-restart-%d", name, tick)
				c.Faults = []scenarios.Fault{{Target: scenarios.FaultEngine, Kind: "restart", Probability: 1,
					At: sc.Release.At + time.Duration(tick)*time.Duration(base.Interval*float64(time.Second))}}
				r := session.Run(context.Background(), &c, sim.Options{Cluster: "envtest"})
				Expect(r.Error).To(BeEmpty(), "killed at tick %d", tick)
				Expect(r.Outcome).To(Equal(base.Outcome), "killed at tick %d", tick)
			}
		})
	}
})
