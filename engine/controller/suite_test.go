// This file is the Ginkgo suite that starts envtest and a controller-runtime manager running the
// reconciler for the controller specs, and stops both.

package controller_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/controller"
	"github.com/rehearse-dev/rehearse/internal/envtest"
)

// testNamespace holds every object of the suite.
const testNamespace = "test"

var (
	env     *envtest.Env
	k8s     client.Client // with the controller's scheme (Gateway API included)
	stopMgr context.CancelFunc
	mgrDone chan error
)

// TestController runs the reconciler in a controller-runtime manager against
// a real kube-apiserver. Without the envtest binaries it skips, naming the
// folder and the command that builds them.
func TestController(t *testing.T) {
	if _, err := envtest.ResolveAssets(""); err != nil {
		t.Skip(err.Error())
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "canary controller on envtest")
}

var _ = BeforeSuite(func(ctx SpecContext) {
	logf.SetLogger(GinkgoLogr)
	crds := filepath.Join("..", "..", "fixtures", "crds")
	var err error
	env, err = envtest.Start(ctx, envtest.Options{CRDDirs: []string{crds, filepath.Join(crds, "gateway-api")}})
	Expect(err).NotTo(HaveOccurred())

	scheme, err := controller.NewScheme()
	Expect(err).NotTo(HaveOccurred())
	k8s, err = client.New(env.Config, client.Options{Scheme: scheme})
	Expect(err).NotTo(HaveOccurred())
	Expect(k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: testNamespace}})).To(Succeed())

	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "127.0.0.1:0"},
		HealthProbeBindAddress: "0",
	})
	Expect(err).NotTo(HaveOccurred())
	r := &controller.CanaryReconciler{Clock: clock.RealClock{}, MeshProvider: v1beta1.KubernetesProvider}
	Expect(r.SetupWithManager(mgr)).To(Succeed())

	var mgrCtx context.Context
	mgrCtx, stopMgr = context.WithCancel(context.Background())
	mgrDone = make(chan error, 1)
	go func() { mgrDone <- mgr.Start(mgrCtx) }()
}, NodeTimeout(2*time.Minute))

var _ = AfterSuite(func(ctx SpecContext) {
	if stopMgr != nil {
		stopMgr()
		Eventually(mgrDone).WithContext(ctx).Should(Receive(BeNil()), "the manager did not shut down cleanly")
	}
	if env != nil {
		Expect(env.Stop()).To(Succeed())
	}
}, NodeTimeout(time.Minute))
