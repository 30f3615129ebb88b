// This file is the equivalence suite's setup: it replays the scenario
// library and the target patterns on the memory backend and on envtest once,
// and checks the two decide tick for tick alike.

package equivalence

import (
	"context"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/rehearse-dev/rehearse/internal/envtest"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
)

func TestEquivalence(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "envtest tier: memory and envtest traces")
}

// sources are the scenario library and the target patterns of
// fixtures/patterns (DaemonSets, Knative Services, autoscalers, tracked
// configs, readiness deadlines), whose CRDs and workload controllers
// differ most between the backends.
var sources = []string{"../../scenarios/library",
	"../../fixtures/patterns/daemonset", "../../fixtures/patterns/daemonset-kubernetes", "../../fixtures/patterns/knative-no-service",
	"../../fixtures/patterns/hpa", "../../fixtures/patterns/keda", "../../fixtures/patterns/configmap-tracking",
	"../../fixtures/patterns/not-ready-deadline"}

var (
	library  []*scenarios.Scenario
	memory   = map[string]*reports.Run{}
	onServer = map[string]*reports.Run{}
)

var _ = BeforeSuite(func(ctx SpecContext) {
	var err error
	library, err = scenarios.Load(sources...)
	Expect(err).NotTo(HaveOccurred())
	if _, err := envtest.ResolveAssets(""); err != nil {
		if os.Getenv("REHEARSE_REQUIRE_ENVTEST") != "" {
			Fail("envtest binaries are required here: " + err.Error())
		}
		Skip("envtest binaries are not built (run make envtest-bins): " + err.Error())
	}
	runs, err := sim.RunAll(context.Background(), library, sim.Options{})
	Expect(err).NotTo(HaveOccurred())
	for _, r := range runs {
		memory[r.Scenario] = r
	}
	session, err := sim.Open(context.Background(), sim.Options{Cluster: "envtest"})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(session.Close)
	for _, r := range session.RunAll(context.Background(), library, sim.Options{Cluster: "envtest"}) {
		onServer[r.Scenario] = r
	}
}, NodeTimeout(10*60e9))

// trace is what must agree tick for tick: the decision, not its wording.
type row struct {
	Tick, Canary, Primary, Failed, Iterations int
	Phase                                     string
}

func trace(r *reports.Run) []row {
	out := make([]row, len(r.Ticks))
	for i, t := range r.Ticks {
		out[i] = row{t.Tick, t.CanaryWeight, t.PrimaryWeight, t.FailedChecks, t.Iterations, t.Phase}
	}
	return out
}

// names lists the library at tree-construction time, one spec a scenario.
func names() []string {
	scs, err := scenarios.Load(sources...)
	if err != nil {
		return []string{"(the library does not load: " + err.Error() + ")"}
	}
	out := make([]string, len(scs))
	for i, sc := range scs {
		out[i] = sc.Name
	}
	return out
}

var _ = Describe("the scenario library on envtest", func() {
	It("runs every scenario on both backends", func() {
		Expect(onServer).To(HaveLen(len(library)))
		Expect(memory).To(HaveLen(len(library)))
	})
	for _, name := range names() {
		It("replays "+name+" with the memory backend's decision trace", func() {
			m, e := memory[name], onServer[name]
			Expect(m).NotTo(BeNil())
			Expect(e).NotTo(BeNil())
			Expect(e.Error).To(BeEmpty())
			Expect(e.Cluster).To(Equal("envtest"))
			Expect(trace(e)).To(Equal(trace(m)))
			Expect(e.Outcome).To(Equal(m.Outcome))
			Expect(e.Passed).To(BeTrue(), "expectations on envtest: %+v", e.Expectations)
		})
	}
})
