// This file finds a Canary's primary and canary pods, whatever its target
// kind, as the traffic model sees them.

package memory

import (
	"context"
	"fmt"
	"reflect"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Pods are one version's pods as the traffic model sees them: the
// workload (or Knative revision) they belong to and the image they run.
// Versions hands the same Pods out again while they stay as they are, so
// a reader never changes them.
type Pods struct {
	// Name is the Deployment's, the DaemonSet's or the revision's.
	Name string
	// Image is the first container's image.
	Image string

	key      workloadKey // the rollout they belong to
	role     string      // the name overrides know them by
	revision string
	replicas int32
	deadline time.Duration // the workload's own progress deadline; 0: none
}

// Versions finds the primary's and the canary's pods of a Canary's target;
// a version that does not exist (yet) is nil. For a Knative Service the
// canary is the revision Knative sends the latest-revision traffic to (the
// latest ready one), and the primary the revision Flagger pinned.
func (c *Controller) Versions(ctx context.Context, cd *v1beta1.Canary) (primary, canary *Pods, err error) {
	switch {
	case cd.Spec.TargetRef.IsKnativeService():
		return c.revisionsOf(ctx, cd)
	case cd.Spec.TargetRef.Kind == "DaemonSet":
		return c.daemonSetVersions(ctx, cd)
	}
	if primary, err = lookup(ctx, c, cd.Namespace, cd.PrimaryName(), c.deploymentVersion); err != nil {
		return nil, nil, err
	}
	canary, err = lookup(ctx, c, cd.Namespace, cd.Spec.TargetRef.Name, c.deploymentVersion)
	return primary, canary, err
}

func (c *Controller) deploymentVersion(d *appsv1.Deployment) *Pods {
	return c.handOut(c.deploymentPods(d))
}

// handOut is p for Versions to hand out: the Pods it last handed out for
// the same workload when they are equal, which its readers never change
// (the traffic model reads both versions every tick, and they change only
// with a rollout), else p, remembered.
func (c *Controller) handOut(p Pods) *Pods {
	if last := c.handed[p.key]; last != nil && *last == p {
		return last
	}
	if c.handed == nil {
		c.handed = map[workloadKey]*Pods{}
	}
	q := new(Pods) // not &p, which would put every p on the heap, handed out again or not
	*q = p
	c.handed[p.key] = q
	return q
}

// deploymentPods are a Deployment's pods, its revision with them: a
// value, which a sync keeps on its stack (Versions hands out pointers).
func (c *Controller) deploymentPods(d *appsv1.Deployment) Pods {
	p := deploymentPods(d)
	p.revision = c.revisionOf(p.key, d, &d.Spec.Template)
	return p
}

// peeker is the Store's read without a copy (see Store.Peek): the
// controller only reads what it looks up, and a Deployment's deep copy,
// pod template and all, is most of what a read costs.
type peeker interface {
	Peek(key client.ObjectKey, obj client.Object) (client.Object, bool, error)
	PeekList(list client.ObjectList, namespace string) ([]client.Object, error)
}

// lookup reads one object of pods' type, a new one or, from the Store,
// the stored one itself, which pods must not change (named to the Store
// by a nil pointer, so no object is made only to name the type); a
// missing one is nil pods.
func lookup[T client.Object](ctx context.Context, c *Controller, ns, name string, pods func(T) *Pods) (*Pods, error) {
	key := client.ObjectKey{Namespace: ns, Name: name}
	if p, ok := c.Client.(peeker); ok {
		var typ T
		stored, found, err := p.Peek(key, typ)
		switch {
		case err != nil:
			return nil, fmt.Errorf("reading %s/%s: %w", ns, name, err)
		case !found:
			return nil, nil
		}
		return pods(stored.(T)), nil
	}
	obj := reflect.New(reflect.TypeFor[T]().Elem()).Interface().(T)
	err := c.Client.Get(ctx, key, obj)
	switch {
	case err == nil:
		return pods(obj), nil
	case client.IgnoreNotFound(err) == nil:
		return nil, nil
	}
	return nil, fmt.Errorf("reading %s/%s: %w", ns, name, err)
}

func (c *Controller) daemonSetVersions(ctx context.Context, cd *v1beta1.Canary) (primary, canary *Pods, err error) {
	if primary, err = lookup(ctx, c, cd.Namespace, cd.PrimaryName(), c.daemonSetVersion); err != nil {
		return nil, nil, err
	}
	canary, err = lookup(ctx, c, cd.Namespace, cd.Spec.TargetRef.Name, c.daemonSetVersion)
	return primary, canary, err
}

func (c *Controller) revisionsOf(ctx context.Context, cd *v1beta1.Canary) (primary, canary *Pods, err error) {
	var svc knativev1.Service
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.TargetRef.Name}, &svc); err != nil {
		return nil, nil, client.IgnoreNotFound(err)
	}
	latest := servedLatest(&svc)
	pinned, ok := svc.Annotations[knativev1.PrimaryRevisionAnnotation]
	if !ok {
		pinned = latest
	}
	if primary, err = c.revisionPods(ctx, &svc, pinned); err != nil {
		return nil, nil, err
	}
	canary, err = c.revisionPods(ctx, &svc, latest)
	return primary, canary, err
}
