// This file assembles a rehearsal's world from its parts: the backend's
// cluster, the synthetic Prometheus, the hook receivers, the engine's runner.

package sim

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backend"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
	"github.com/rehearse-dev/rehearse/sim/fault"
	"github.com/rehearse-dev/rehearse/sim/virtual/hooks"
	"github.com/rehearse-dev/rehearse/sim/virtual/metricapi"
)

// epoch is the virtual start of every run (a scenario's time 0): fixed, so
// the same scenario and seed give byte-identical reports.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// warmUp is how long before time 0 the world starts: long enough for the
// Canary to be initialized and the primary to serve traffic before the
// release; the analysis only ever queries what happens after it.
const warmUp = 2 * time.Minute

// timeScale shrinks webhook latencies and timeouts in virtual time: a 10s
// timeout costs 100ms of real time, long enough not to fire by accident on a
// busy machine.
const timeScale = 0.01

// world is everything one rehearsal runs against.
type world struct {
	settings // resolved once, read everywhere (w.provider, w.release, ...)
	sc       *scenarios.Scenario
	backend  backend.Cluster
	cluster  cluster // the backend's objects, the Canary and the controllers playing them
	runner   *runner.Runner
	script   *script       // answers the engine when the scenario is scripted; nil otherwise
	metrics  metricServers // what answers the engine's metric queries
	recv     receivers     // the webhook and alert receivers, and what was read of them
	http     *http.Client
	closers  []func() error

	traffic trafficModel
	notes   []string    // what the world assumed, for the report's notes
	faults  *fault.Plan // the scenario's faults; nil when it has none
	clock   clock       // the virtual time of the tick being run
}

// build sets up the world a scenario describes, on backend b.
func build(ctx context.Context, sc *scenarios.Scenario, set settings, b backend.Cluster, pool *promPool) (*world, error) {
	cd := sc.Canary.DeepCopy()
	w := &world{settings: set, sc: sc, backend: b, http: &http.Client{Transport: noSockets{}}}
	if !set.inProcess {
		w.http = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
		w.closers = append(w.closers, func() error { w.http.CloseIdleConnections(); return nil })
	}
	if err := w.setup(ctx, sc, cd, pool); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

// noSockets is the sockets client's transport in a world in process,
// which opens none: its parts reach their servers through in-process
// transports, so a request that comes here is a wiring mistake, and fails
// saying so. A real transport a world cost each rehearsal the HTTP/2
// set-up its first CloseIdleConnections does, though it never held a
// connection.
type noSockets struct{}

func (noSockets) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return nil, fmt.Errorf("rehearse: %s %s: a rehearsal in virtual time opens no socket", r.Method, r.URL)
}

// setup starts the world's parts: the metrics and the receivers (unless the
// scenario scripts their answers), the cluster holding the objects pointed
// at them, the engine's runner. pool keeps the session's Prometheus
// servers.
func (w *world) setup(ctx context.Context, sc *scenarios.Scenario, cd *v1beta1.Canary, pool *promPool) error {
	if err := w.startServices(sc, pool); err != nil {
		return err
	}
	objs := w.objects(sc, cd)
	if w.metrics.prom != nil && readsStandIns(sc.Manifests) {
		w.metrics.standIn(cd, w.clock.Now)
	}
	c, err := openCluster(ctx, w.backend, objs, cd, w.provider, w.readiness, w.workloadOverride)
	if err != nil {
		return err
	}
	w.cluster = c
	w.cluster.deploys.Revisions = &kube.RevisionMemo{} // the engine's too (newRunner): one hash a template, not one a reader
	if err := w.metrics.loadRecording(ctx, sc.Recording, cd, w.provider, w.cluster.template); err != nil {
		return err
	}
	w.faults = fault.New(sc.Faults, w.seed, epoch)
	w.runner = w.newRunner()
	return nil
}

// startServices starts the synthetic Prometheus and the webhook receivers,
// unless the scenario scripts their answers.
func (w *world) startServices(sc *scenarios.Scenario, pool *promPool) error {
	if sc.Scripted() {
		return nil
	}
	m, err := openMetrics(pool, w.inProcess) // only a run in virtual time is in process
	if err != nil {
		return err
	}
	w.metrics = m
	w.closers = append(w.closers, m.close)
	h, err := startReceivers(hookBehaviours(sc), w.hookScale, w.inProcess)
	if err != nil {
		return fmt.Errorf("starting the webhook receivers: %w", err)
	}
	w.recv.srv = h
	w.closers = append(w.closers, h.Close)
	return w.metrics.loadSeries(sc.Series)
}

func (w *world) close() {
	for i := len(w.closers) - 1; i >= 0; i-- {
		_ = w.closers[i]()
	}
}

// readsStandIns says whether a template of the manifests is answered by a
// stand-in. Without one, nothing can ask the stand-ins, and what each
// version served is not recorded for them: 4% of the bytes a library run
// allocated (issue 13).
func readsStandIns(set *manifest.Set) bool {
	if set == nil {
		return false
	}
	return slices.ContainsFunc(set.MetricTemplates, func(t *v1beta1.MetricTemplate) bool {
		return metricapi.Serves(t.Spec.Provider.Type)
	})
}

// hookBehaviours turns the scenario's webhook answers into the receivers' terms.
func hookBehaviours(sc *scenarios.Scenario) map[string]hooks.Behaviour {
	out := map[string]hooks.Behaviour{}
	for name, h := range sc.Webhooks {
		var b hooks.Behaviour
		for _, a := range h.Answers {
			b.Answers = append(b.Answers, hooks.Answer{From: a.From, Status: a.Status, Latency: a.Latency, Timeout: a.Timeout, Refused: a.Refused})
		}
		if h.Gate != nil {
			b.Gate = &hooks.Gate{Open: h.Gate.Open, OpenAt: h.Gate.OpenAt}
		}
		out[name] = b
	}
	return out
}

// objects are the manifests as the cluster starts with them, each in the
// backend's namespace, with every webhook and Prometheus address pointed at
// the world's own servers.
func (w *world) objects(sc *scenarios.Scenario, cd *v1beta1.Canary) []client.Object {
	w.rewrite(cd)
	set := sc.Manifests
	objs := append([]client.Object{cd}, targetObjects(sc, cd)...)
	for _, o := range set.Services {
		objs = append(objs, o.DeepCopy())
	}
	for _, o := range set.ConfigMaps {
		objs = append(objs, o.DeepCopy())
	}
	for _, o := range set.Secrets {
		objs = append(objs, o.DeepCopy())
	}
	objs = append(objs, scalerObjects(set)...)
	objs = append(objs, w.standInScaler(sc, cd)...)
	objs = append(objs, w.standInConfigs(sc, cd)...)
	for _, t := range set.MetricTemplates {
		t = t.DeepCopy()
		switch prov := &t.Spec.Provider; {
		case w.metrics.prom != nil && metrics.IsPrometheus(prov.Type):
			prov.Address = w.metrics.base
		case w.metrics.prom != nil && metricapi.Serves(prov.Type):
			prov.Address = metricapi.Address(prov.Type, prov.Address)
			objs = append(objs, standInSecret(set, t)...)
		}
		objs = append(objs, t)
	}
	w.noteSilentAlerts(cd)
	objs = w.alertProviders(objs, set)
	for _, o := range objs {
		o.SetNamespace(w.backend.Namespace(sc.Name, o.GetNamespace()))
	}
	w.mapTemplateRefs(sc.Name, cd)
	w.mapAlertRefs(sc.Name, cd)
	return objs
}

// mapTemplateRefs follows the namespaces the backend moved templates to.
func (w *world) mapTemplateRefs(scenario string, cd *v1beta1.Canary) {
	a := cd.GetAnalysis()
	if a == nil {
		return
	}
	for i := range a.Metrics {
		if ref := a.Metrics[i].TemplateRef; ref != nil && ref.Namespace != "" {
			ref.Namespace = w.backend.Namespace(scenario, ref.Namespace)
		}
	}
}

// rewrite points the Canary's hooks and metrics server at the world.
func (w *world) rewrite(cd *v1beta1.Canary) {
	if w.metrics.prom != nil {
		cd.Spec.MetricsServer = w.metrics.base
	}
	w.recv.point(cd.GetAnalysis())
}

// hookURL is where a webhook is answered: a loadtester gate keeps its path
// so gate semantics apply; a loadtester task of type cmd, or of type bash
// running hey, goes to the task endpoint (hey is modelled or run
// in-process, as the loadtester would run it); anything else is a plain
// hook answered as the scenario says, or 200. Nothing goes to a shell.
func hookURL(h *hooks.Server, wh v1beta1.CanaryWebhook, heys *heyParses) string {
	base := h.URL(wh.Name)
	u, err := url.Parse(wh.URL)
	if err != nil {
		return base
	}
	switch {
	case strings.HasPrefix(u.Path, "/gate/"), strings.HasPrefix(u.Path, "/rollback/"):
		return base + u.Path
	case metadata(wh, "type") == "cmd", metadata(wh, "type") == "" && metadata(wh, "cmd") != "":
		return base + "/" // the loadtester's default task type is cmd
	}
	if _, blocking := blockingFor(wh, heys); blocking {
		return base + "/"
	}
	return base
}

func metadata(wh v1beta1.CanaryWebhook, key string) string {
	if wh.Metadata == nil {
		return ""
	}
	return (*wh.Metadata)[key]
}

// newRunner wires the engine's runner to the world.
func (w *world) newRunner() *runner.Runner {
	now := w.clock.Now
	r := &runner.Runner{Cluster: &kube.Cluster{Client: fault.Client(w.cluster.client, w.faults, now), Revisions: w.cluster.deploys.Revisions}, Router: w.cluster.router,
		Options: engine.Options{Provider: w.provider}}
	if w.sc.Scripted() {
		w.script = &script{sc: w.sc}
		r.Metrics, r.Hooks = w.script, w.script
		return r
	}
	c := w.metrics.client(w.http.Transport, w.inProcess, w.faults)
	r.Metrics = runner.SourceMetrics{Source: &metrics.Source{Provider: w.provider, MetricsServer: w.metrics.base, Client: c,
		Templates: w.cluster.template, Secrets: w.cluster.secret, AWSCredentials: rehearsalAWS, KnativeRevision: w.cluster.knativeRevision}}
	r.Hooks = newWorldHooks(w.sc, &w.recv, w.faults, w.recv.client(w.http, w.inProcess), w.hookScale, now)
	r.Notifier = w.newNotifier()
	return r
}

// noSleep skips retry backoff: virtual time does not wait.
func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// readiness is how the pods of an image behave at now, per the scenario.
func (w *world) readiness(image string, now time.Time) memory.Behaviour {
	v, ok := w.sc.Versions[image]
	if !ok {
		return memory.Behaviour{}
	}
	r := v.At(now.Sub(epoch)).Readiness
	b := memory.Behaviour{ReadyAfter: r.ReadyAfter, Never: r.Never || r.CrashLoop || r.DeadlineExceeded,
		DeadlineExceeded: r.DeadlineExceeded}
	if r.CrashLoop {
		b.Reason = "CrashLoopBackOff"
	}
	return b
}
