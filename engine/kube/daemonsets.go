// This file rolls out a DaemonSet target as Flagger does: a -primary copy, a canary parked by a
// node selector no node matches, its readiness and a revision hash that ignores that selector.

package kube

import (
	"context"
	"fmt"
	"maps"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// ScaleToZeroNodeSelector is how Flagger "scales a DaemonSet to zero": a
// node selector no node matches, removed again to scale it up.
const ScaleToZeroNodeSelector = "flagger.app/scale-to-zero"

// daemonSets rolls out a DaemonSet target, as Flagger's
// DaemonSetController: a -primary copy, and a canary that runs on no node
// between releases.
type daemonSets struct{ c *Cluster }

// observe reads both DaemonSets. Flagger measures a DaemonSet's progress
// deadline from the Canary's own last transition, not from the workload's
// conditions (a DaemonSet has none that say so): the engine gets that time
// as the moment the workload became unavailable.
func (k daemonSets) observe(ctx context.Context, cd *v1beta1.Canary, _ time.Time) (target, primary engine.Workload, err error) {
	t, found, err := look[*appsv1.DaemonSet](ctx, k.c, cd.Namespace, cd.Spec.TargetRef.Name)
	if err != nil || !found {
		return target, primary, err
	}
	target = daemonSetWorkload(cd, t, cd.GetCanaryReadyThreshold())
	if target.Configs, err = k.c.configChecksums(ctx, cd.Namespace, &t.Spec.Template.Spec); err != nil {
		return target, primary, err
	}
	p, found, err := look[*appsv1.DaemonSet](ctx, k.c, cd.Namespace, k.c.primaryName(cd))
	if err != nil || !found {
		return target, primary, err
	}
	return target, daemonSetWorkload(cd, p, cd.GetPrimaryReadyThreshold()), nil
}

func daemonSetWorkload(cd *v1beta1.Canary, ds *appsv1.DaemonSet, threshold int) engine.Workload {
	w := DaemonSetReadiness(ds, threshold)
	if w.Readiness == engine.NotReady && ds.Generation <= ds.Status.ObservedGeneration {
		w.UnavailableSince = cd.Status.LastTransitionTime.Time
	}
	w.Exists, w.Revision = true, DaemonSetRevision(ds)
	return w
}

// DaemonSetReadiness reads a DaemonSet's rollout status as Flagger's
// isDaemonSetReady does: every scheduled pod updated, and as many
// available as the ready threshold (a percentage of the scheduled ones).
func DaemonSetReadiness(ds *appsv1.DaemonSet, threshold int) engine.Workload {
	st := ds.Status
	if ds.Generation > st.ObservedGeneration {
		return notReady("waiting for rollout to finish: observed daemonset generation less than desired generation")
	}
	needed := int32(float32(st.DesiredNumberScheduled) * float32(threshold) / 100)
	switch {
	case st.UpdatedNumberScheduled < st.DesiredNumberScheduled:
		return notReady(fmt.Sprintf("waiting for rollout to finish: %d out of %d new pods have been updated", st.UpdatedNumberScheduled, st.DesiredNumberScheduled))
	case st.NumberAvailable < needed:
		return notReady(fmt.Sprintf("waiting for rollout to finish: %d of %d (readyThreshold %d%%) updated pods are available", st.NumberAvailable, needed, threshold))
	}
	return engine.Workload{Readiness: engine.Ready}
}

// DaemonSetRevision hashes the pod template without Flagger's scale-to-zero
// node selector, so scaling the canary is not a new release.
func DaemonSetRevision(ds *appsv1.DaemonSet) string {
	t := ds.Spec.Template.DeepCopy()
	delete(t.Spec.NodeSelector, ScaleToZeroNodeSelector)
	return Revision(t)
}

func (k daemonSets) target(ctx context.Context, cd *v1beta1.Canary) (*appsv1.DaemonSet, error) {
	var ds appsv1.DaemonSet
	key := client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.TargetRef.Name}
	if err := k.c.Client.Get(ctx, key, &ds); err != nil {
		return nil, fmt.Errorf("reading target daemonset %s: %w", key, err)
	}
	return &ds, nil
}

// initialize creates the primary DaemonSet, with -primary copies of its
// configs, and the services. Like Flagger, it refuses a DaemonSet that does
// not roll its pods.
func (k daemonSets) initialize(ctx context.Context, cd *v1beta1.Canary) error {
	t, err := k.target(ctx, cd)
	if err != nil {
		return err
	}
	if s := t.Spec.UpdateStrategy.Type; s != "" && s != appsv1.RollingUpdateDaemonSetStrategyType {
		return fmt.Errorf("daemonset %s.%s must have RollingUpdate strategy but have %s", t.Name, t.Namespace, s)
	}
	key, value := selectorLabel(t.Spec.Selector, t.Name)
	found, err := k.c.get(ctx, cd.Namespace, cd.PrimaryName(), &appsv1.DaemonSet{})
	if err != nil {
		return err
	}
	if !found {
		refs, err := k.c.primaryConfigs(ctx, cd, &t.Spec.Template.Spec)
		if err != nil {
			return err
		}
		p := &appsv1.DaemonSet{ObjectMeta: primaryMeta(cd, t.Annotations, key, value), Spec: appsv1.DaemonSetSpec{
			MinReadySeconds: t.Spec.MinReadySeconds, RevisionHistoryLimit: t.Spec.RevisionHistoryLimit, UpdateStrategy: t.Spec.UpdateStrategy,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{key: value + "-primary"}},
			Template: primaryTemplate(t.Spec.Template.ObjectMeta, refs.apply(&t.Spec.Template.Spec), key, value)}}
		if err := k.c.createIfMissing(ctx, p); err != nil {
			return err
		}
	}
	return k.c.createServices(ctx, cd, key, value)
}

// scaleToZero adds the node selector no node matches.
func (k daemonSets) scaleToZero(ctx context.Context, cd *v1beta1.Canary) error {
	return k.nodeSelector(ctx, cd, func(sel map[string]string) map[string]string {
		out := maps.Clone(sel)
		if out == nil {
			out = map[string]string{}
		}
		out[ScaleToZeroNodeSelector] = "true"
		return out
	})
}

// scaleFromZero removes it again.
func (k daemonSets) scaleFromZero(ctx context.Context, cd *v1beta1.Canary) error {
	return k.nodeSelector(ctx, cd, func(sel map[string]string) map[string]string {
		out := maps.Clone(sel)
		delete(out, ScaleToZeroNodeSelector)
		return out
	})
}

func (k daemonSets) nodeSelector(ctx context.Context, cd *v1beta1.Canary, edit func(map[string]string) map[string]string) error {
	t, err := k.target(ctx, cd)
	if err != nil {
		return err
	}
	next := edit(t.Spec.Template.Spec.NodeSelector)
	if maps.Equal(next, t.Spec.Template.Spec.NodeSelector) {
		return nil
	}
	patch := client.MergeFrom(t.DeepCopy())
	t.Spec.Template.Spec.NodeSelector = next
	if err := k.c.Client.Patch(ctx, t, patch); err != nil {
		return fmt.Errorf("setting the node selector of daemonset %s/%s: %w", t.Namespace, t.Name, err)
	}
	return nil
}

// promote is Flagger's Promote for DaemonSets: the target's pod spec
// (without the scale-to-zero node selector, reading -primary configs) and
// rollout settings go to the primary.
func (k daemonSets) promote(ctx context.Context, cd *v1beta1.Canary) error {
	t, err := k.target(ctx, cd)
	if err != nil {
		return err
	}
	var p appsv1.DaemonSet
	if err := k.c.Client.Get(ctx, client.ObjectKey{Namespace: cd.Namespace, Name: cd.PrimaryName()}, &p); err != nil {
		return fmt.Errorf("reading primary daemonset %s/%s: %w", cd.Namespace, cd.PrimaryName(), err)
	}
	refs, err := k.c.primaryConfigs(ctx, cd, &t.Spec.Template.Spec)
	if err != nil {
		return err
	}
	key, value := selectorLabel(t.Spec.Selector, t.Name)
	patch := client.MergeFrom(p.DeepCopy())
	p.Spec.MinReadySeconds, p.Spec.RevisionHistoryLimit, p.Spec.UpdateStrategy = t.Spec.MinReadySeconds, t.Spec.RevisionHistoryLimit, t.Spec.UpdateStrategy
	p.Spec.Template = primaryTemplate(t.Spec.Template.ObjectMeta, refs.apply(&t.Spec.Template.Spec), key, value)
	delete(p.Spec.Template.Spec.NodeSelector, ScaleToZeroNodeSelector)
	p.Labels, p.Annotations = primaryLabels(nil, key, value), map[string]string{}
	if err := k.c.Client.Patch(ctx, &p, patch); err != nil {
		return fmt.Errorf("promoting %s/%s to the primary: %w", cd.Namespace, cd.Spec.TargetRef.Name, err)
	}
	return nil
}
