// This file is the rehearsal loop: open a backend, run a scenario (settings,
// world, initialize, release, ticks), finish the report.

package sim

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/internal/envtest"
	"github.com/rehearse-dev/rehearse/internal/exit"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend"
	"github.com/rehearse-dev/rehearse/sim/backend/kind"
	"github.com/rehearse-dev/rehearse/sim/realtraffic"
)

// Options are the settings of a rehearsal that are not in the scenario.
type Options struct {
	// Cluster is the backend: "memory" (the default, embedded) or "envtest"
	// (a real kube-apiserver and etcd, shared by every scenario of a run).
	Cluster string
	// Seed overrides each scenario's traffic seed when not zero.
	Seed int64
	// Provider is the mesh provider for Canaries that name none (Flagger's
	// -mesh-provider flag); empty means Flagger's default, istio.
	Provider string
	// Kubeconfig, with envtest, is where to write a kubeconfig for kubectl.
	Kubeconfig string
	// KindCluster names the kind cluster to create or reuse (default
	// "rehearse"), KindImage its node image (default: kind's), and
	// KeepCluster leaves a cluster this run created running on Close.
	KindCluster, KindImage string
	KeepCluster            bool
	// crashAfter is how many writes a controller killed by an engine-restart
	// fault makes before it dies; nil means one (tests vary it).
	crashAfter *int
	// Traffic is "virtual" (modelled samples, the default) or "real" (HTTP
	// load through a weighted proxy, scraped, in wall-clock time), which
	// Real configures. Every virtual-traffic run queries Prometheus and calls
	// webhooks in-process (same handlers, same bytes); a real one keeps its
	// sockets.
	Traffic string
	Real    realtraffic.Config
}

// initSpacing is how often the engine looks at a Canary before its
// release: Flagger acts on a new Canary at once, not a whole interval later.
const initSpacing = 10 * time.Second

// Session is an open cluster backend that rehearsals run on.
type Session struct {
	backend backend.Cluster
	pool    *promPool
	stop    func() error
	// laterCRDs waits for the CRDs installed after the backend opened (the
	// Gateway API's and the stand-ins', on envtest); nil: all are there.
	laterCRDs func(context.Context) error
	// Kubeconfig reaches the session's API server, when it has one.
	Kubeconfig string
}

// Open starts the backend opts.Cluster names.
func Open(ctx context.Context, opts Options) (*Session, error) {
	switch opts.Cluster {
	case "", "memory":
		pool := &promPool{}
		return &Session{backend: backend.Memory{}, pool: pool, stop: pool.close}, nil
	case "envtest":
		dirs, later, err := crdDirs()
		if err != nil {
			return nil, exit.Environment(err)
		}
		env, err := envtest.Start(ctx, envtest.Options{KubeconfigPath: opts.Kubeconfig, CRDDirs: dirs, LaterCRDDirs: later})
		if err != nil {
			// Missing binaries, a port in use, a control plane that will not
			// come up: all the machine's, none the scenario's (exit 3).
			return nil, exit.Environment(err)
		}
		pool := &promPool{}
		stop := func() error { return errors.Join(pool.close(), env.Stop()) }
		return &Session{backend: backend.APIServer{Label: "envtest", Client: env.Client}, pool: pool, stop: stop, Kubeconfig: env.Kubeconfig,
			laterCRDs: env.AwaitLaterCRDs}, nil
	case "kind":
		c, err := kind.Start(ctx, kind.Options{Name: opts.KindCluster, NodeImage: opts.KindImage, KubeconfigPath: opts.Kubeconfig})
		if err != nil {
			return nil, exit.Environment(err)
		}
		pool := &promPool{}
		stop := func() error {
			if opts.KeepCluster {
				c.Detach()
			}
			return errors.Join(pool.close(), c.Stop())
		}
		return &Session{backend: backend.APIServer{Label: "kind", Client: c.Client}, pool: pool, stop: stop, Kubeconfig: c.Kubeconfig}, nil
	}
	return nil, exit.BadInputf("cluster %q is not available: use --cluster memory, envtest or kind", opts.Cluster)
}

// Close stops the backend.
func (s *Session) Close() error { return s.stop() }

// RunAll opens the backend, rehearses every scenario on it and closes it.
func RunAll(ctx context.Context, scs []*scenarios.Scenario, opts Options) ([]*reports.Run, error) {
	s, err := Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	runs := s.RunAll(ctx, scs, opts)
	return runs, s.Close()
}

// apiServerWorkers is how many rehearsals run at once on a real API
// server: each spends most of its time waiting for the server's answers,
// so a few per core leave the cores idle (issue 13: the library on
// envtest, 2 workers 10.6 s, 6 workers 8.4 s, 18 workers 5.7 s for its
// rehearsals on 2 cores). Each scenario has namespaces of its own; the
// bound keeps a large set from opening hundreds of connections at once.
const apiServerWorkers = 32

// RunAll rehearses every scenario, using every core (on a real API server,
// up to apiServerWorkers at once); the reports come back in the scenarios'
// order and do not depend on scheduling.
func (s *Session) RunAll(ctx context.Context, scs []*scenarios.Scenario, opts Options) []*reports.Run {
	workers := runtime.GOMAXPROCS(0)
	if _, shared := s.backend.(backend.APIServer); shared {
		workers = apiServerWorkers
	}
	if opts.Traffic == "real" {
		// Real traffic runs one scenario at a time, so that they do not
		// slow each other's answers down.
		workers = 1
	}
	runs := make([]*reports.Run, len(scs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				runs[i] = s.Run(ctx, scs[i], opts)
			}
		})
	}
	for i := range scs {
		next <- i
	}
	close(next)
	wg.Wait()
	return runs
}

// Run rehearses one scenario on the embedded memory cluster.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) *reports.Run {
	s := &Session{backend: backend.Memory{}}
	return s.Run(ctx, sc, opts)
}

// Run rehearses one scenario: its settings resolved once, the world
// assembled from parts (the traffic modelled or real, as opts.Traffic
// says), the engine ticked until the rollout is decided, the ticks
// recorded. It never panics and never returns nothing: a world that cannot
// be built or a run that cannot go on is reported in Run.Error, and the
// run fails.
func (s *Session) Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (out *reports.Run) {
	began := time.Now()
	set := settingsOf(sc, opts)
	r := newReport(sc, set)
	r.Cluster = s.backend.Name()
	// Wall is for JUnit only (json:"-"): the rehearsal's cost, not the rollout's.
	defer func() { r.Wall = time.Since(began) }()
	if r.Skipped = skipReason(sc); r.Skipped != "" {
		finish(sc, r)
		r.Decision = "not rehearsed"
		return r
	}
	defer func() {
		if p := recover(); p != nil {
			r.Error = fmt.Sprintf("internal error (please report it): %v", p)
		}
		finish(sc, r)
		if ctx.Err() != nil {
			markInterrupted(r)
		}
		out = r
	}()
	if s.laterCRDs != nil && needsLaterCRDs(sc, set) {
		if err := s.laterCRDs(ctx); err != nil {
			r.Error = err.Error()
			return r
		}
	}
	w, err := build(ctx, sc, set, s.backend, s.pool)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer w.close()
	if err := w.rehearse(ctx, r); err != nil {
		r.Error = err.Error()
	}
	r.Notes = append(w.notes, r.Notes...)
	return r
}

func newReport(sc *scenarios.Scenario, set settings) *reports.Run {
	cd := sc.Canary
	return &reports.Run{Scenario: sc.Name, Description: sc.Description, File: sc.File,
		Canary: cd.Namespace + "/" + cd.Name, Provider: set.provider, ProviderSource: set.choice.Source,
		Strategy: set.strategy, Cluster: "memory",
		Seed: set.seed, Interval: set.interval.Seconds(), Decision: "undecided"}
}

// rehearse initializes the Canary, releases the new version and steps the
// engine tick by tick until the rollout is decided or the time is up.
func (w *world) rehearse(ctx context.Context, r *reports.Run) error {
	start := epoch.Add(-warmUp)
	t, err := w.newTraffic(ctx, r, start)
	if err != nil {
		return err
	}
	w.traffic = t
	defer t.Close()
	if err := w.initialize(ctx, start); err != nil {
		return err
	}
	if err := w.cluster.setImage(ctx, w.sc.Release.To); err != nil {
		return err
	}
	err = w.ticks(ctx, r)
	t.Finish(r)
	r.Exposure = t.Exposure()
	r.Notes = append(r.Notes, w.faults.Notes()...)
	unanswered := w.metrics.providerNotes(w.cluster.cd, w.cluster.template)
	r.Notes = append(r.Notes, unanswered...)
	notRehearsable(r, unanswered...)
	r.Notes = append(r.Notes, w.metrics.recordedNotes()...)
	return err
}

// initialize steps the engine until the Canary is Initialized.
func (w *world) initialize(ctx context.Context, start time.Time) error {
	var last *runner.Tick
	for now := start; now.Before(w.release); now = now.Add(initSpacing) {
		t, err := w.reconcile(ctx, now)
		if err != nil {
			return err
		}
		last = t
		if t.Decision.Status.Phase == v1beta1.CanaryPhaseInitialized {
			w.notes = append(w.notes, w.cluster.copiesNote(ctx)...)
			// The warm-up's last stretch: no query comes before the first
			// tick, so what it cannot read is left out (issue 13).
			return w.traffic.Advance(ctx, w.release, w.release.Add(w.interval))
		}
	}
	why := "no reconcile ran"
	if last != nil {
		why = last.Decision.Reason
	}
	return fmt.Errorf("the canary did not initialize before the release at %s: %s", w.sc.Release.At, why)
}

// reconcile brings the world to now and runs one engine tick.
func (w *world) reconcile(ctx context.Context, now time.Time) (*runner.Tick, error) {
	if err := w.traffic.Advance(ctx, now, now); err != nil {
		return nil, err
	}
	if err := w.cluster.deploys.Sync(ctx, now); err != nil {
		return nil, err
	}
	w.clock.now = now
	w.recv.setNow(now)
	cd, err := w.cluster.forTick(ctx)
	if err != nil {
		return nil, err
	}
	if err := w.cluster.reconcileRoutes(ctx, cd); err != nil {
		return nil, err
	}
	t, err := w.runner.Reconcile(ctx, cd, now)
	if err != nil || !changesWorkloads(t) {
		return t, err
	}
	// A Deployment controller reacts at once: rollouts the tick started
	// (a scale-up, a promotion) begin now, not at the next look.
	return t, w.cluster.deploys.Sync(ctx, now)
}

func changesWorkloads(t *runner.Tick) bool {
	for _, a := range t.Decision.Actions {
		switch a.Kind {
		case engine.ActInitialize, engine.ActScaleFromZero, engine.ActScaleToZero, engine.ActPromote:
			return true
		}
	}
	return false
}

// ticks runs the analysis ticks after the release.
func (w *world) ticks(ctx context.Context, r *reports.Run) error {
	limit := w.release.Add(w.maxDuration())
	for n := 1; ; n++ {
		if ctx.Err() != nil {
			return errInterrupted
		}
		now := w.release.Add(time.Duration(n) * w.interval)
		if now.After(limit) {
			r.Notes = append(r.Notes, fmt.Sprintf("the run stopped at its time limit (%s) without a final decision", w.maxDuration()))
			return nil
		}
		done, err := w.tick(ctx, r, n, now)
		if err != nil || done {
			return err
		}
	}
}

// tick runs analysis tick n at now and records it; done says the rollout is
// decided and nothing the scenario still plans could change that.
func (w *world) tick(ctx context.Context, r *reports.Run, n int, now time.Time) (bool, error) {
	deleted, err := w.events(ctx, now, n)
	if err != nil || deleted {
		if deleted {
			r.Notes = append(r.Notes, "the Canary was deleted: the run ends")
		}
		return true, err
	}
	if w.script != nil {
		w.script.tick = n
	}
	t, err := w.faultyReconcile(ctx, now)
	if ctx.Err() != nil {
		// A check the signal cut short is no result: the tick is dropped.
		return true, errInterrupted
	}
	if err != nil {
		if w.faults == nil {
			return true, err
		}
		// Under injected faults a failed reconcile is what Flagger logs
		// before trying again on the next tick.
		r.Ticks = append(r.Ticks, w.failedTick(ctx, n, now, err))
		return false, nil
	}
	row := record(n, now.Sub(w.release).Seconds(), w.cluster.cd, w.provider, t)
	row.Alerts = w.recv.alertsOf(t, w.release)
	r.Ticks = append(r.Ticks, row)
	for _, note := range w.traffic.AfterTick(ctx, n, now) {
		r.Notes = append(r.Notes, fmt.Sprintf("tick %d: %s", n, note))
	}
	return w.settled(t, n, now), nil
}

// settled is true once the rollout is decided and no planned event or tick
// expectation lies ahead.
func (w *world) settled(t *runner.Tick, n int, now time.Time) bool {
	p := t.Decision.Status.Phase
	if p != v1beta1.CanaryPhaseSucceeded && p != v1beta1.CanaryPhaseFailed {
		return false
	}
	for _, e := range w.sc.Events {
		if epoch.Add(e.At).After(now) {
			return false
		}
	}
	for _, s := range w.sc.Script {
		if s.Tick > n {
			return false
		}
	}
	for _, te := range w.sc.Expect.Ticks {
		if te.Tick > n {
			return false
		}
	}
	return true
}

func (w *world) maxDuration() time.Duration {
	if d := w.sc.Limits.MaxDuration; d > 0 {
		return w.metrics.recordedLimit(d, w.sc.Release.At)
	}
	return w.metrics.recordedLimit(scenarios.DefaultMaxDuration(w.sc), w.sc.Release.At)
}

// events applies what the user does between the previous tick and now, and
// a scripted revision at tick n.
func (w *world) events(ctx context.Context, now time.Time, n int) (deleted bool, err error) {
	prev := now.Add(-w.interval)
	for _, e := range w.sc.Events {
		at := epoch.Add(e.At)
		if !at.After(prev) || at.After(now) {
			continue
		}
		if deleted, err = w.event(ctx, e); err != nil || deleted {
			return deleted, err
		}
	}
	if w.sc.Scripted() {
		if img := w.sc.ScriptAt(n).Revision; img != "" {
			return false, w.cluster.setImage(ctx, img)
		}
	}
	return false, nil
}

func (w *world) event(ctx context.Context, e scenarios.Event) (bool, error) {
	switch e.Kind {
	case scenarios.EventRevision:
		return false, w.cluster.setImage(ctx, e.Revision)
	case scenarios.EventPause, scenarios.EventResume:
		return false, w.cluster.suspend(ctx, e.Kind == scenarios.EventPause)
	case scenarios.EventConfig:
		return false, w.cluster.setConfig(ctx, e.Config)
	case scenarios.EventDelete:
		return true, w.cluster.deleteCanary(ctx)
	}
	return false, errors.New("unknown event kind " + string(e.Kind))
}

// finish derives the run's verdict from its ticks.
// errInterrupted stops a run a signal cut short; see markInterrupted.
var errInterrupted = errors.New("interrupted")

// markInterrupted words a run a signal stopped: what finished is kept,
// and no verdict is drawn from it.
func markInterrupted(r *reports.Run) {
	r.Interrupted = true
	r.Error = fmt.Sprintf("interrupted: a signal stopped the run after %d ticks; the ticks before it are recorded, and no verdict is drawn", len(r.Ticks))
	r.Passed = false
}

func finish(sc *scenarios.Scenario, r *reports.Run) {
	if n := len(r.Ticks); n > 0 {
		r.Outcome = r.Ticks[n-1].Phase
	}
	for _, t := range r.Ticks {
		r.MaxWeight = max(r.MaxWeight, t.CanaryWeight)
	}
	decide(r)
	r.Expectations = expectations(sc.Expect, r)
	r.Passed = r.Error == ""
	for _, e := range r.Expectations {
		r.Passed = r.Passed && e.Passed
	}
}

// decide finds when the final phase was reached, if it is a decision.
func decide(r *reports.Run) {
	switch r.Outcome {
	case string(v1beta1.CanaryPhaseSucceeded):
		r.Decision = "promoted"
	case string(v1beta1.CanaryPhaseFailed):
		r.Decision = "rolled back"
	default:
		return
	}
	for i := len(r.Ticks) - 1; i >= 0 && r.Ticks[i].Phase == r.Outcome; i-- {
		t := r.Ticks[i].T
		r.DecidedAt = &t
	}
}

// crdDirs are Flagger's CRDs, which every rehearsal needs, and, for later,
// the folders beside them: the Gateway API's, which HTTPRoute routing needs
// on a real API server, and rehearse's stand-ins for Knative Serving's and
// KEDA's. Only the rehearsals that use those wait for them (issue 13).
func crdDirs() (dirs, later []string, err error) {
	dirs, err = envtest.ResolveCRDDirs(nil)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range dirs {
		for _, sub := range []string{"gateway-api", "stand-ins"} {
			if p := filepath.Join(d, sub); dirExists(p) {
				later = append(later, p)
			}
		}
	}
	return dirs, later, nil
}

// needsLaterCRDs says whether a rehearsal may write a kind crdDirs installs
// later: a router that writes HTTPRoutes or Knative Services (kubernetes'
// writes nothing, and the meshes rehearse cannot drive on a real cluster
// are simulated in the world), KEDA or Knative objects, or manifests' kinds
// rehearse does not know. It errs towards waiting, which costs time, never
// a report.
func needsLaterCRDs(sc *scenarios.Scenario, set settings) bool {
	if r, real := kube.RouterFor(set.provider, nil); real && r != (kube.NopRouter{}) {
		return true
	}
	if ref := sc.Canary.Spec.AutoscalerRef; ref != nil && ref.Kind == "ScaledObject" {
		return true
	}
	m := sc.Manifests
	return m != nil && (len(m.ScaledObjects) > 0 || len(m.KnativeServices) > 0 || len(m.Others) > 0 || len(m.Variants) > 0)
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
