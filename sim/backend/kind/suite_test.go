// This file creates a real kind cluster (it needs Docker) and checks what
// Start installs on it.

package kind_test

import (
	"context"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/sim/backend/kind"
)

// clusterName keeps the suite off a user's own "rehearse" cluster: a
// cluster of this name that already exists is reused and left running.
const clusterName = "rehearse-test"

var cluster *kind.Cluster

// TestKind creates a kind cluster and checks what Start installs. It is the
// kind tier (make test-kind, REHEARSE_KIND=1): creating a cluster takes
// minutes, so a Docker engine alone does not start it. Without an engine it
// skips with the message a user of --cluster kind sees, or fails when
// REHEARSE_REQUIRE_KIND is set.
func TestKind(t *testing.T) {
	if os.Getenv("REHEARSE_KIND") == "" {
		t.Skip("the kind tier runs with REHEARSE_KIND=1 (make test-kind)")
	}
	if err := kind.CheckDocker(context.Background()); err != nil {
		if os.Getenv("REHEARSE_REQUIRE_KIND") != "" {
			t.Fatal(err)
		}
		t.Skip(err.Error())
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "kind cluster")
}

var _ = BeforeSuite(func(ctx SpecContext) {
	var err error
	// REHEARSE_KIND_IMAGE is the node image make kind-image builds; empty
	// means kind's own.
	cluster, err = kind.Start(ctx, kind.Options{Name: clusterName, NodeImage: os.Getenv("REHEARSE_KIND_IMAGE")})
	Expect(err).NotTo(HaveOccurred())
	AddReportEntry("cluster created (not reused)", cluster.Created)
}, NodeTimeout(10*time.Minute))

var _ = AfterSuite(func(_ SpecContext) {
	if cluster == nil {
		return
	}
	kubeconfig := cluster.Kubeconfig
	Expect(cluster.Stop()).To(Succeed())
	_, err := os.Stat(kubeconfig)
	Expect(os.IsNotExist(err)).To(BeTrue(), "Stop left the temporary kubeconfig %s", kubeconfig)
}, NodeTimeout(5*time.Minute))

var _ = Describe("a kind cluster from Start", func() {
	It("serves the flagger.app and Gateway API CRDs", func(ctx SpecContext) {
		for _, name := range []string{"canaries.flagger.app", "metrictemplates.flagger.app", "alertproviders.flagger.app",
			"httproutes.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io"} {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			Expect(cluster.Client.Get(ctx, client.ObjectKey{Name: name}, crd)).To(Succeed(), "CRD %s", name)
			Expect(crd.Status.Conditions).To(ContainElement(And(
				HaveField("Type", apiextensionsv1.Established), HaveField("Status", apiextensionsv1.ConditionTrue))))
		}
	})

	It("stores a Canary and reads it back", func(ctx SpecContext) {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "rehearse-"}}
		Expect(cluster.Client.Create(ctx, ns)).To(Succeed())
		DeferCleanup(func(ctx SpecContext) { Expect(cluster.Client.Delete(ctx, ns)).To(Succeed()) })

		cd := &v1beta1.Canary{
			ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: ns.Name},
			Spec: v1beta1.CanarySpec{
				TargetRef: v1beta1.LocalObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "podinfo"},
				Service:   v1beta1.CanaryService{Port: 9898},
				Analysis:  &v1beta1.CanaryAnalysis{Interval: "10s", StepWeight: 10, MaxWeight: 50},
			},
		}
		Expect(cluster.Client.Create(ctx, cd)).To(Succeed())
		got := &v1beta1.Canary{}
		Expect(cluster.Client.Get(ctx, client.ObjectKeyFromObject(cd), got)).To(Succeed())
		Expect(got.Spec).To(Equal(cd.Spec))
	})
})
