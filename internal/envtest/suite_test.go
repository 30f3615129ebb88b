// This file is the Ginkgo suite that starts one control plane for the envtest specs and stops it.

package envtest_test

import (
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/rehearse-dev/rehearse/internal/envtest"
)

// testNamespace is the namespace of the podinfo fixtures.
const testNamespace = "test"

// env is the one control plane every spec in this suite shares.
var env *envtest.Env

// TestEnvtest runs the suite against a real kube-apiserver and etcd. Without
// the binaries it skips, naming the folder and the build command, so that
// `go test ./...` stays green on a machine that never ran make envtest-bins.
func TestEnvtest(t *testing.T) {
	if _, err := envtest.ResolveAssets(""); err != nil {
		if os.Getenv("REHEARSE_REQUIRE_ENVTEST") != "" {
			t.Fatal(err) // make test builds them: missing binaries are a failure there
		}
		t.Skip(err.Error())
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "envtest control plane")
}

var _ = BeforeSuite(func(ctx SpecContext) {
	logf.SetLogger(GinkgoLogr)
	began := time.Now()
	var err error
	env, err = envtest.Start(ctx, envtest.Options{})
	Expect(err).NotTo(HaveOccurred())
	AddReportEntry("control plane start", time.Since(began).Round(time.Millisecond).String())

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: testNamespace}}
	Expect(env.Client.Create(ctx, ns)).To(Succeed())
}, NodeTimeout(2*time.Minute))

var _ = AfterSuite(func() {
	if env == nil {
		return
	}
	began := time.Now()
	Expect(env.Stop()).To(Succeed())
	AddReportEntry("control plane stop", time.Since(began).Round(time.Millisecond).String())
	_, err := os.Stat(env.Kubeconfig)
	Expect(os.IsNotExist(err)).To(BeTrue(), "Stop left the temporary kubeconfig %s", env.Kubeconfig)
})
