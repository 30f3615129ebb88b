// This file plays Kubernetes' DaemonSet controller on the embedded cluster:
// a pod on each of its nodes that the selector matches, and the status Flagger reads.

package memory

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/rehearse-dev/rehearse/engine/kube"
)

// Nodes is how many nodes the embedded cluster has. Every node carries the
// labels a DaemonSet's node selector asks for, except Flagger's
// scale-to-zero label, which no node carries: that is how Flagger empties
// a DaemonSet.
const Nodes = 3

// scheduled is how many nodes a DaemonSet runs a pod on.
func scheduled(ds *appsv1.DaemonSet) int32 {
	if _, ok := ds.Spec.Template.Spec.NodeSelector[kube.ScaleToZeroNodeSelector]; ok {
		return 0
	}
	return Nodes
}

func (c *Controller) daemonSetVersion(ds *appsv1.DaemonSet) *Pods {
	p := &Pods{key: workloadKey{"DaemonSet", ds.Name}, role: ds.Name, Name: ds.Name, Image: image(&ds.Spec.Template), replicas: scheduled(ds)}
	p.revision = c.revisionOf(p.key, ds, &ds.Spec.Template)
	return p
}

func (c *Controller) syncDaemonSets(ctx context.Context, now time.Time) error {
	return eachWorkload[appsv1.DaemonSet](ctx, c, "daemonsets", func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items },
		func(ds *appsv1.DaemonSet) error { return c.syncDaemonSet(ctx, ds, now) })
}

// syncDaemonSet writes ds's status at now, unless it already says so.
func (c *Controller) syncDaemonSet(ctx context.Context, ds *appsv1.DaemonSet, now time.Time) error {
	p := c.daemonSetVersion(ds)
	st := c.daemonSetStatus(ds, p, c.track(p, now), now)
	if equality.Semantic.DeepEqual(ds.Status, st) {
		return nil
	}
	next := *ds // ds may be the stored object: never changed
	next.Status = st
	if err := c.writeStatus(ctx, &next); err != nil {
		return fmt.Errorf("updating the status of daemonset %s/%s: %w", ds.Namespace, ds.Name, err)
	}
	return nil
}

// daemonSetStatus is the DaemonSet status at now: a pod on every node it
// schedules to, all updated, available once the image's pods are ready.
// Changing the node selector (Flagger's scale to and from zero) changes the
// template, so scaling up starts a new rollout, as on a real cluster.
func (c *Controller) daemonSetStatus(ds *appsv1.DaemonSet, p *Pods, r rollout, now time.Time) appsv1.DaemonSetStatus {
	ready, _, _ := c.state(p, r, now)
	n := r.replicas
	st := appsv1.DaemonSetStatus{ObservedGeneration: ds.Generation, CurrentNumberScheduled: n,
		DesiredNumberScheduled: n, UpdatedNumberScheduled: n}
	if ready {
		st.NumberReady, st.NumberAvailable = n, n
	} else {
		st.NumberUnavailable = n
	}
	return st
}
