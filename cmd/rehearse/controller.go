// This file is `rehearse controller`: the engine as a Kubernetes controller
// on a real cluster, its flags, the manager with leader election, and the
// health and readiness probes.

package main

import (
	"github.com/rehearse-dev/rehearse/internal/exit"

	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client/config"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/controller"
	"github.com/rehearse-dev/rehearse/engine/kube"
)

// leaderElectionID names the Lease the controller replicas compete for.
const leaderElectionID = "rehearse-controller.flagger.app"

// readyTimeout bounds one readiness probe's wait for the informer caches.
const readyTimeout = time.Second

// controllerOptions are the flags of `rehearse controller`.
type controllerOptions struct {
	kubeconfig       string
	metricsServer    string
	meshProvider     string
	leaderElect      bool
	leaderElectionNS string
	metricsAddr      string
	healthProbeAddr  string
	namespace        string
	gracefulShutdown time.Duration
}

// controllerCommandTree is `rehearse controller [flags]`: the engine as a
// Kubernetes controller for flagger.app/v1beta1 Canaries, until a signal
// stops it, which is its normal end (exit 0, as any controller's).
func controllerCommandTree() *cobra.Command {
	c := command("controller [flags]", "run the engine as a progressive-delivery controller against a real cluster", controllerLong, controllerSetup)
	c.Annotations = map[string]string{signalStops: "true"}
	return c
}

func controllerSetup(fs *pflag.FlagSet) action {
	o := &controllerOptions{}
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig file; default: $KUBECONFIG, the in-cluster config, then ~/.kube/config")
	fs.StringVar(&o.metricsServer, "metrics-server", controller.DefaultMetricsServer, "Prometheus address for builtin metrics of Canaries without spec.metricsServer")
	fs.StringVar(&o.meshProvider, "mesh-provider", v1beta1.KubernetesProvider, "provider of Canaries without spec.provider: kubernetes or gatewayapi")
	fs.BoolVar(&o.leaderElect, "leader-elect", false, "elect one active replica through a Lease")
	fs.StringVar(&o.leaderElectionNS, "leader-election-namespace", "", "namespace of the leader-election Lease; default: --namespace, or the pod's namespace in a cluster")
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", ":8080", "address of the /metrics endpoint; 0 turns it off")
	fs.StringVar(&o.healthProbeAddr, "health-probe-bind-address", ":8081", "address of the /healthz and /readyz endpoints; 0 turns them off")
	fs.StringVar(&o.namespace, "namespace", "", "watch Canaries in this namespace only; default: every namespace")
	fs.DurationVar(&o.gracefulShutdown, "graceful-shutdown-timeout", 30*time.Second, "how long running ticks may take to finish on shutdown")
	return func(ctx context.Context, args []string, _, stderr io.Writer) error {
		if len(args) > 0 {
			return exit.BadInputf("rehearse controller takes no arguments, got %q", args)
		}
		if err := o.validate(); err != nil {
			return err
		}
		opts := *o
		cfg, err := clusterConfig(opts.kubeconfig)
		if err != nil {
			return exit.BadInputf("rehearse controller: no cluster to talk to (pass --kubeconfig, set KUBECONFIG, or run in a pod): %v", err)
		}
		mgr, err := newControllerManager(cfg, opts, stderr)
		if err != nil {
			return err
		}
		if err := mgr.Start(ctx); err != nil {
			return portInUse(fmt.Errorf("rehearse controller stopped: %w", err))
		}
		return nil
	}
}

func (o controllerOptions) validate() error {
	if _, ok := kube.RouterFor(o.meshProvider, nil); !ok {
		return exit.BadInputf("rehearse controller: --mesh-provider %q cannot be driven on a real cluster: use %s or %s",
			o.meshProvider, v1beta1.KubernetesProvider, v1beta1.GatewayAPIProvider)
	}
	for _, ns := range []struct{ flag, value string }{{"namespace", o.namespace}, {"leader-election-namespace", o.leaderElectionNS}} {
		if errs := validation.IsDNS1123Label(ns.value); ns.value != "" && len(errs) > 0 {
			return exit.BadInputf("rehearse controller: --%s %q is not a namespace name: %s", ns.flag, ns.value, errs[0])
		}
	}
	for _, a := range []struct{ flag, value string }{{"metrics-bind-address", o.metricsAddr}, {"health-probe-bind-address", o.healthProbeAddr}} {
		if err := checkBindAddress(a.value); err != nil {
			return exit.BadInputf("rehearse controller: --%s %q: %v", a.flag, a.value, err)
		}
	}
	return nil
}

// checkBindAddress accepts host:port, :port, or 0 (off).
func checkBindAddress(addr string) error {
	if addr == "0" {
		return nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return errors.New("want host:port, :port, or 0 to turn it off")
	}
	return nil
}

// portInUse marks an error from binding a port another process holds as
// the machine's (exit 3), not the user's: the address is well formed, and
// the same command succeeds once the port is free. controller-runtime binds
// the probe port in NewManager and the metrics port in Start.
func portInUse(err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return exit.Environmentf("%w; stop what holds the port, or pass another "+
			"--metrics-bind-address or --health-probe-bind-address", err)
	}
	return err
}

// clusterConfig loads the kubeconfig at path, or controller-runtime's
// default chain ($KUBECONFIG, in-cluster, ~/.kube/config) when path is empty.
func clusterConfig(path string) (*rest.Config, error) {
	if path == "" {
		return config.GetConfig()
	}
	return clientcmd.BuildConfigFromFlags("", path)
}

// newControllerManager builds the manager with the Canary reconciler,
// health and readiness checks. The wall clock enters the engine here.
func newControllerManager(cfg *rest.Config, o controllerOptions, stderr io.Writer) (ctrl.Manager, error) {
	// JSON lines on stderr, through the standard library: controller-runtime
	// and client-go log through logr.
	ctrl.SetLogger(logr.FromSlogHandler(slog.NewJSONHandler(stderr, nil)))
	scheme, err := controller.NewScheme()
	if err != nil {
		return nil, err
	}
	mgr, err := ctrl.NewManager(cfg, managerOptions(o, scheme))
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, portInUse(fmt.Errorf("rehearse controller: cannot set up the manager: %w", err))
	case err != nil:
		return nil, exit.BadInputf("rehearse controller: cannot set up the manager: %v", err)
	}
	r := &controller.CanaryReconciler{Clock: clock.RealClock{}, MeshProvider: o.meshProvider, MetricsServer: o.metricsServer}
	if err := r.SetupWithManager(mgr); err != nil {
		return nil, fmt.Errorf("rehearse controller: registering the canary reconciler: %w", err)
	}
	return mgr, addHealthChecks(mgr)
}

func managerOptions(o controllerOptions, scheme *runtime.Scheme) ctrl.Options {
	opts := ctrl.Options{
		Scheme:                  scheme,
		Logger:                  ctrl.Log.WithName("rehearse-controller"),
		Metrics:                 metricsserver.Options{BindAddress: o.metricsAddr},
		HealthProbeBindAddress:  o.healthProbeAddr,
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        leaderElectionID,
		LeaderElectionNamespace: o.leaderElectionNS,
		// On SIGTERM the leader gives its Lease up as it stops, so a standby
		// takes over at its next retry instead of waiting out the lease.
		LeaderElectionReleaseOnCancel: true,
		GracefulShutdownTimeout:       &o.gracefulShutdown,
	}
	if o.namespace != "" {
		opts.Cache = cache.Options{DefaultNamespaces: map[string]cache.Config{o.namespace: {}}}
		if opts.LeaderElectionNamespace == "" {
			opts.LeaderElectionNamespace = o.namespace
		}
	}
	return opts
}

// addHealthChecks: live while the process runs, ready once the informer
// caches have synced, so a rollout waits for a replica that can decide.
func addHealthChecks(mgr ctrl.Manager) error {
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return fmt.Errorf("rehearse controller: adding the health check: %w", err)
	}
	synced := func(req *http.Request) error {
		ctx, cancel := context.WithTimeout(req.Context(), readyTimeout)
		defer cancel()
		if !mgr.GetCache().WaitForCacheSync(ctx) {
			return errors.New("informer caches have not synced yet")
		}
		return nil
	}
	if err := mgr.AddReadyzCheck("caches", synced); err != nil {
		return fmt.Errorf("rehearse controller: adding the readiness check: %w", err)
	}
	return nil
}
