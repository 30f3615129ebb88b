// This file is the CanaryReconciler: it ticks the engine through the runner once per analysis
// interval, wires the router, metrics, hooks and notifier, and turns failures into Warning events.

package controller

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/engine/notify"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/engine/webhook"
)

// DefaultMetricsServer is Flagger's default Prometheus address.
const DefaultMetricsServer = "http://prometheus:9090"

// lookupTimeout bounds reading a MetricTemplate or Secret for a metric.
const lookupTimeout = 10 * time.Second

// CanaryReconciler runs one engine tick for a Canary each time its analysis
// interval has passed, and asks controller-runtime to come back after the
// next one.
type CanaryReconciler struct {
	// Client reads and writes Canaries, Deployments, Services, Events and
	// HTTPRoutes.
	Client client.Client
	// Reader reads MetricTemplates and Secrets when a metric needs them,
	// bypassing the cache so the controller does not watch every Secret.
	// Nil means Client; SetupWithManager uses the manager's API reader.
	Reader client.Reader
	// Clock gives the time of each tick. Required: the command passes the
	// wall clock, tests a fake one.
	Clock clock.PassiveClock
	// MeshProvider is the provider of Canaries that name none, as Flagger's
	// -mesh-provider flag; empty means Flagger's default, istio, which this
	// controller cannot drive (rehearse controller passes kubernetes unless
	// told otherwise).
	MeshProvider string
	// MetricsServer is the Prometheus address for builtin metrics of
	// Canaries without spec.metricsServer; empty means DefaultMetricsServer.
	MetricsServer string
	// Metrics and Hooks answer the engine's questions; nil means Prometheus
	// queries through MetricsServer and HTTP webhook calls.
	Metrics runner.Metrics
	Hooks   runner.Hooks
	// Notifier sends alerts; nil means the Canaries' AlertProviders, read
	// through Reader.
	Notifier runner.Notifier
	// OnTick, when set, sees every tick after it was applied (for traces).
	OnTick func(cd *v1beta1.Canary, t *runner.Tick)

	defaults sync.Once
	due      schedule
}

// SetupWithManager registers the reconciler for Canaries. Status writes do
// not trigger a reconcile (only generation changes do), so the controller
// writes a status without re-running the tick it came from.
func (r *CanaryReconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Client == nil {
		r.Client = mgr.GetClient()
	}
	if r.Reader == nil {
		r.Reader = mgr.GetAPIReader()
	}
	if err := r.check(); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1beta1.Canary{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Named("canary").
		Complete(r)
}

func (r *CanaryReconciler) check() error {
	switch {
	case r.Client == nil:
		return errors.New("canary reconciler: Client is nil")
	case r.Clock == nil:
		return errors.New("canary reconciler: Clock is nil; pass clock.RealClock{} for the wall clock")
	}
	return nil
}

// Reconcile runs one tick of the Canary when it is due.
func (r *CanaryReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	if err := r.check(); err != nil {
		return reconcile.Result{}, reconcile.TerminalError(err)
	}
	var cd v1beta1.Canary
	if err := r.Client.Get(ctx, req.NamespacedName, &cd); err != nil {
		if apierrors.IsNotFound(err) {
			r.due.forget(req.NamespacedName)
			return reconcile.Result{}, nil
		}
		return reconcile.Result{}, fmt.Errorf("reading canary %s: %w", req.NamespacedName, err)
	}
	now := r.Clock.Now()
	if wait := r.due.wait(req.NamespacedName, cd.UID, now); wait > 0 {
		return reconcile.Result{RequeueAfter: wait}, nil
	}
	return r.tick(ctx, &cd, now)
}

// tick runs the engine once. A failure to observe or decide is recorded as
// a Warning event and retried one interval later, as Flagger's scheduler
// does, rather than at controller-runtime's error backoff, which would run
// the analysis more often than the Canary asks.
func (r *CanaryReconciler) tick(ctx context.Context, cd *v1beta1.Canary, now time.Time) (reconcile.Result, error) {
	rn, err := r.runnerFor(cd)
	if err != nil {
		r.warn(ctx, cd, err, now)
		return reconcile.Result{}, reconcile.TerminalError(err)
	}
	key := client.ObjectKeyFromObject(cd)
	interval := cd.GetAnalysisInterval()
	t, err := r.prepareAndRun(ctx, rn, cd, now)
	if err != nil {
		r.warn(ctx, cd, err, now)
		r.due.next(key, cd.UID, now.Add(interval))
		return reconcile.Result{RequeueAfter: interval}, nil
	}
	r.report(ctx, cd, t)
	r.due.next(key, cd.UID, now.Add(t.Decision.RequeueAfter))
	return reconcile.Result{RequeueAfter: t.Decision.RequeueAfter}, nil
}

// routeReconciler is a router that keeps its routing object in line with
// the Canary on every tick, as Flagger's routers do before the analysis.
type routeReconciler interface {
	Reconcile(ctx context.Context, cd *v1beta1.Canary) error
}

func (r *CanaryReconciler) prepareAndRun(ctx context.Context, rn *runner.Runner, cd *v1beta1.Canary, now time.Time) (*runner.Tick, error) {
	if rr, ok := rn.Router.(routeReconciler); ok && !cd.Spec.Suspend {
		if err := rr.Reconcile(ctx, cd); err != nil {
			return nil, err
		}
	}
	return rn.Reconcile(ctx, cd, now)
}

// runnerFor wires a runner for the Canary's provider.
func (r *CanaryReconciler) runnerFor(cd *v1beta1.Canary) (*runner.Runner, error) {
	r.defaults.Do(r.setDefaults)
	provider := cd.ProviderFor(r.MeshProvider).Name
	router, ok := kube.RouterFor(provider, r.Client)
	if !ok {
		return nil, fmt.Errorf("canary %s/%s: provider %q cannot be driven on a real cluster: "+
			"rehearse controller supports kubernetes and gatewayapi; rehearse other providers with `rehearse run`",
			cd.Namespace, cd.Name, provider)
	}
	return &runner.Runner{Cluster: &kube.Cluster{Client: r.Client}, Router: router, Metrics: r.Metrics,
		Hooks: r.Hooks, Notifier: r.Notifier, Options: engine.Options{Provider: r.MeshProvider}}, nil
}

func (r *CanaryReconciler) setDefaults() {
	if r.Reader == nil {
		r.Reader = r.Client
	}
	if r.Metrics == nil {
		r.Metrics = runner.SourceMetrics{Source: &metrics.Source{Provider: r.MeshProvider,
			MetricsServer: orDefault(r.MetricsServer, DefaultMetricsServer), Templates: r.template, Secrets: r.secret}}
	}
	if r.Hooks == nil {
		r.Hooks = runner.CallerHooks{Caller: &webhook.Caller{}}
	}
	if r.Notifier == nil {
		r.Notifier = &notify.Notifier{Reader: r.Reader}
	}
}

func orDefault(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func (r *CanaryReconciler) template(ns, name string) (*v1beta1.MetricTemplate, error) {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	var t v1beta1.MetricTemplate
	if err := r.Reader.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &t); err != nil {
		return nil, fmt.Errorf("reading metric template %s/%s: %w", ns, name, err)
	}
	return &t, nil
}

func (r *CanaryReconciler) secret(ns, name string) (map[string][]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), lookupTimeout)
	defer cancel()
	var s corev1.Secret
	if err := r.Reader.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
		return nil, fmt.Errorf("reading secret %s/%s: %w", ns, name, err)
	}
	return s.Data, nil
}

// warn logs an error and records it as a Warning event on the Canary.
func (r *CanaryReconciler) warn(ctx context.Context, cd *v1beta1.Canary, err error, now time.Time) {
	log.FromContext(ctx).Error(err, "canary tick failed")
	ev := []engine.Event{{Type: engine.EventWarning, Message: err.Error()}}
	if rerr := (&kube.Cluster{Client: r.Client}).Record(ctx, cd, ev, now); rerr != nil {
		log.FromContext(ctx).Error(rerr, "recording the failure as an event")
	}
}

// report logs the tick's decision and any failure to apply it; the runner
// has already recorded them as events.
func (r *CanaryReconciler) report(ctx context.Context, cd *v1beta1.Canary, t *runner.Tick) {
	st := t.Decision.Status
	log.FromContext(ctx).Info(t.Decision.Reason, "phase", st.Phase, "canaryWeight", st.CanaryWeight,
		"failedChecks", st.FailedChecks, "primary", t.Routes.Primary, "canary", t.Routes.Canary,
		"requeueAfter", t.Decision.RequeueAfter)
	for _, e := range t.Errors {
		log.FromContext(ctx).Error(errors.New(e), "applying the decision")
	}
	if r.OnTick != nil {
		r.OnTick(cd, t)
	}
}
