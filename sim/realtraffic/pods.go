// This file is the real traffic's two versions: a loopback server each,
// answering as the scenario says their image behaves once the cluster says
// their pods are ready, behind a weighted proxy.

package realtraffic

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/proxy"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/workload"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// readinessStep is the resolution at which a real-traffic run finds when a
// version's pods become ready between two looks at the cluster.
const readinessStep = time.Second

// podState is what one version's pods run between two looks at the
// cluster: an image, ready from a virtual time on (never, if zero).
type podState struct {
	image     string
	readyFrom time.Time
}

func (p *podState) serving(now time.Time) bool {
	return p != nil && !p.readyFrom.IsZero() && !now.Before(p.readyFrom)
}

// pods are the two versions' servers and the state each follows.
type pods struct {
	servers [2]*workload.Server // indexed by traffic.Role
	states  [2]atomic.Pointer[podState]
}

// startPods starts a loopback server for each version, exporting the series
// the provider's builtin queries read for its role.
func (rt *Traffic) startPods(seed int64) error {
	w := rt.w
	model := metrics.NewModel(w.Canary, v1beta1.DefaultMetricInterval, nil)
	_, primary, canary := w.Canary.GetServiceNames()
	for role, name := range [2]string{primary, canary} {
		g, err := traffic.NewGenerator(w.Provider, model, traffic.Role(role), w.Canary.Spec.TargetRef.Kind)
		if err != nil {
			return fmt.Errorf("workload series for provider %s: %w", w.Provider, err)
		}
		srv, err := workload.Start(workload.Config{Name: name, Series: g.Series(),
			Seed: uint64(seed)*2 + uint64(role), Behaviour: rt.behaviourOf(traffic.Role(role))})
		if err != nil {
			return err
		}
		rt.pods.servers[role] = srv
	}
	return nil
}

// behaviourOf is how a version answers at the virtual time now: as the
// scenario says its image behaves, once its pods are ready.
func (rt *Traffic) behaviourOf(role traffic.Role) func() workload.Behaviour {
	return func() workload.Behaviour {
		now := rt.clockNow()
		st := rt.pods.states[role].Load()
		if !st.serving(now) {
			return workload.Behaviour{}
		}
		b := rt.w.Behaviour(st.image, now)
		return workload.Behaviour{Serving: true, SuccessRate: b.SuccessRate, P50: b.Latency.P50, P99: b.Latency.P99}
	}
}

// refresh looks at the cluster (from the run's own goroutine: the cluster
// client and the Deployment controller are not shared with the servers)
// and sets what each version runs from the last look until until.
func (rt *Traffic) refresh(ctx context.Context, until time.Time) error {
	pods := rt.w.Pods(ctx)
	from := rt.looked
	if from.IsZero() || from.After(until) {
		from = until
	}
	for role, d := range pods {
		rt.pods.states[role].Store(rt.stateOf(d, from, until))
	}
	rt.looked = until
	return nil
}

// stateOf finds when, between from and until, a version's pods serve.
func (rt *Traffic) stateOf(d *memory.Pods, from, until time.Time) *podState {
	if d == nil {
		return &podState{}
	}
	st := &podState{image: d.Image}
	for t := from; !t.After(until); t = t.Add(readinessStep) {
		if rt.w.Serving(d, t) {
			st.readyFrom = t
			break
		}
	}
	return st
}

// routes are the weights the engine's router holds now, in the mesh's
// terms; the kubernetes provider has no mesh: the apex is the primary.
func (rt *Traffic) routes() proxy.Routes {
	r, err := rt.w.Routes(context.Background())
	if err != nil {
		return proxy.Routes{Primary: v1beta1.TotalWeight}
	}
	r = engine.ServedRoutes(rt.w.Provider, r)
	out := proxy.Routes{Primary: r.Primary, Canary: r.Canary, AB: rt.ab && r.Canary > 0}
	if r.Mirrored {
		out.Mirror = int(rt.w.MirrorShare * 100)
	}
	return out
}

// startMesh puts the proxy in front of the two versions.
func (rt *Traffic) startMesh(seed int64) error {
	var match []v1beta1.HTTPMatchRequest
	if rt.ab {
		match = rt.w.Canary.GetAnalysis().Match
	}
	p, err := proxy.Start(proxy.Config{Primary: rt.pods.servers[traffic.Primary].URL(),
		Canary: rt.pods.servers[traffic.Canary].URL(), Routes: rt.routes, Match: match, Seed: uint64(seed)})
	if err != nil {
		return err
	}
	rt.mesh = p
	return nil
}

func (p *pods) close() error {
	var errs []error
	for _, s := range p.servers {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}
