// This file finds a Canary's primary and canary pods, whatever its target
// kind, as the traffic model sees them.

package memory

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Pods are one version's pods as the traffic model sees them: the
// workload (or Knative revision) they belong to and the image they run.
type Pods struct {
	// Name is the Deployment's, the DaemonSet's or the revision's.
	Name string
	// Image is the first container's image.
	Image string

	key      string // the rollout they belong to: kind/name
	role     string // the name overrides know them by
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
	var p, t appsv1.Deployment
	if primary, err = c.lookup(ctx, cd.Namespace, cd.PrimaryName(), &p, func() *Pods { return c.deploymentVersion(&p) }); err != nil {
		return nil, nil, err
	}
	canary, err = c.lookup(ctx, cd.Namespace, cd.Spec.TargetRef.Name, &t, func() *Pods { return c.deploymentVersion(&t) })
	return primary, canary, err
}

func (c *Controller) deploymentVersion(d *appsv1.Deployment) *Pods {
	p := deploymentPods(d)
	p.revision = c.revisionOf(p.key, d, &d.Spec.Template)
	return p
}

// lookup reads one object; a missing one is nil pods.
func (c *Controller) lookup(ctx context.Context, ns, name string, obj client.Object, pods func() *Pods) (*Pods, error) {
	err := c.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, obj)
	switch {
	case err == nil:
		return pods(), nil
	case client.IgnoreNotFound(err) == nil:
		return nil, nil
	}
	return nil, fmt.Errorf("reading %s/%s: %w", ns, name, err)
}

func (c *Controller) daemonSetVersions(ctx context.Context, cd *v1beta1.Canary) (primary, canary *Pods, err error) {
	var p, t appsv1.DaemonSet
	if primary, err = c.lookup(ctx, cd.Namespace, cd.PrimaryName(), &p, func() *Pods { return c.daemonSetVersion(&p) }); err != nil {
		return nil, nil, err
	}
	canary, err = c.lookup(ctx, cd.Namespace, cd.Spec.TargetRef.Name, &t, func() *Pods { return c.daemonSetVersion(&t) })
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
