// This file is the kind tier of the equivalence suite (REHEARSE_KIND=1): the
// library on a kind cluster must decide as on memory and envtest.

package equivalence

import (
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/sim"
	"github.com/rehearse-dev/rehearse/sim/backend/kind"
)

// kindCluster is the cluster this tier creates (or reuses, and then keeps).
const kindCluster = "rehearse-equivalence"

// The kind tier (make test-kind, REHEARSE_KIND=1): the library on a kind
// cluster, a real kubelet and control plane in a Docker container, must
// decide tick for tick as on the memory backend and on envtest. It is
// labelled so that `-ginkgo.label-filter=kind` runs it alone (the suite's
// BeforeSuite still replays the library on memory and envtest to compare).
var _ = Describe("the scenario library on kind", Ordered, Label("kind"), func() {
	onKind := map[string]*reports.Run{}

	BeforeAll(func(ctx SpecContext) {
		if os.Getenv("REHEARSE_KIND") == "" {
			Skip("the kind tier runs with REHEARSE_KIND=1 (make test-kind)")
		}
		if err := kind.CheckDocker(ctx); err != nil {
			if os.Getenv("REHEARSE_REQUIRE_KIND") != "" {
				Fail(err.Error())
			}
			Skip(err.Error())
		}
		opts := sim.Options{Cluster: "kind", KindCluster: kindCluster, KindImage: os.Getenv("REHEARSE_KIND_IMAGE")}
		session, err := sim.Open(ctx, opts)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(session.Close)
		for _, r := range session.RunAll(ctx, library, opts) {
			onKind[r.Scenario] = r
		}
	}, NodeTimeout(20*time.Minute))

	It("runs every scenario on kind", func() {
		Expect(onKind).To(HaveLen(len(library)))
	})
	for _, name := range names() {
		It("replays "+name+" with the memory and envtest backends' decision trace", func() {
			k, m, e := onKind[name], memory[name], onServer[name]
			Expect(k).NotTo(BeNil())
			Expect(m).NotTo(BeNil())
			Expect(e).NotTo(BeNil())
			Expect(k.Error).To(BeEmpty())
			Expect(k.Cluster).To(Equal("kind"))
			Expect(trace(k)).To(Equal(trace(m)), "kind against memory")
			Expect(trace(k)).To(Equal(trace(e)), "kind against envtest")
			Expect(k.Outcome).To(Equal(m.Outcome))
			Expect(k.Passed).To(BeTrue(), "expectations on kind: %+v", k.Expectations)
		})
	}
})
