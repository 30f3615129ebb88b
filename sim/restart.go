// This file runs a tick with the faults in force, and plays an engine
// restart: a controller killed part-way through applying its decision.

package sim

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/runner"
	"github.com/rehearse-dev/rehearse/reports"
)

// errKilled is what a write sees after the controller process died.
var errKilled = errors.New("the controller process was killed")

// faultyReconcile runs one tick, first putting the faults in force; when an
// engine-restart fault is due, the controller dies part-way through
// applying its decision and a fresh one takes over on the next tick.
func (w *world) faultyReconcile(ctx context.Context, now time.Time) (*runner.Tick, error) {
	w.metrics.faults(w.faults).Tick(now)
	if !w.faults.RestartDue(now) {
		return w.reconcile(ctx, now)
	}
	healthy := w.runner
	dying := *healthy
	budget := &writeBudget{left: w.crashAfter}
	dying.Cluster = &killableCluster{Cluster: healthy.Cluster, b: budget}
	dying.Router = &killableRouter{Router: healthy.Router, b: budget}
	w.runner = &dying
	t, err := w.reconcile(ctx, now)
	// The new controller starts from nothing but the cluster: the runner
	// holds no state, so a copy of the healthy one is a fresh process.
	fresh := *healthy
	w.runner = &fresh
	if t != nil {
		t.Decision.Reason = fmt.Sprintf("the controller was killed after %d of its writes (%s); a new one takes over on the next tick",
			budget.done, t.Decision.Reason)
	}
	return t, err
}

// failedTick records a tick whose reconcile failed: nothing changed.
func (w *world) failedTick(ctx context.Context, n int, now time.Time, err error) reports.Tick {
	row := reports.Tick{Tick: n, T: now.Sub(w.release).Seconds(), Metrics: []reports.Metric{}, Webhooks: []reports.Webhook{},
		Reason: "the reconcile failed and is retried on the next tick: " + err.Error()}
	if cd, gerr := w.cluster.canary(ctx); gerr == nil {
		row.Phase, row.FailedChecks, row.Iterations = string(cd.Status.Phase), cd.Status.FailedChecks, cd.Status.Iterations
		if rt, rerr := w.cluster.router.Routes(ctx, cd); rerr == nil {
			row.CanaryWeight, row.PrimaryWeight, row.Mirrored = rt.Canary, rt.Primary, rt.Mirrored
		}
	}
	return row
}

// writeBudget counts the writes a dying controller still gets to make.
type writeBudget struct{ left, done int }

func (b *writeBudget) spend() error {
	if b.left <= 0 {
		return errKilled
	}
	b.left--
	b.done++
	return nil
}

type killableCluster struct {
	runner.Cluster
	b *writeBudget
}

func (k *killableCluster) Apply(ctx context.Context, cd *v1beta1.Canary, a engine.Action) error {
	if err := k.b.spend(); err != nil {
		return err
	}
	return k.Cluster.Apply(ctx, cd, a)
}

func (k *killableCluster) WriteStatus(ctx context.Context, cd *v1beta1.Canary, st v1beta1.CanaryStatus) error {
	if err := k.b.spend(); err != nil {
		return err
	}
	return k.Cluster.WriteStatus(ctx, cd, st)
}

func (k *killableCluster) Record(ctx context.Context, cd *v1beta1.Canary, events []engine.Event, now time.Time) error {
	if err := k.b.spend(); err != nil {
		return err
	}
	return k.Cluster.Record(ctx, cd, events, now)
}

type killableRouter struct {
	runner.Router
	b *writeBudget
}

func (k *killableRouter) SetRoutes(ctx context.Context, cd *v1beta1.Canary, r engine.Routes) error {
	if err := k.b.spend(); err != nil {
		return err
	}
	return k.Router.SetRoutes(ctx, cd, r)
}
