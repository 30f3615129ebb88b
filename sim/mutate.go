// This file is what the user does to the cluster during a run: a new
// revision, a config change.

package sim

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// setImage releases a new image of the target, as a user's `kubectl set
// image` or a GitOps sync would.
func (w *world) setImage(ctx context.Context, image string) error {
	cd := w.cd
	key := client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.TargetRef.Name}
	obj, containers := targetObject(cd.Spec.TargetRef.IsKnativeService(), cd.Spec.TargetRef.Kind)
	if err := w.client.Get(ctx, key, obj); err != nil {
		return fmt.Errorf("reading target %s: %w", key, err)
	}
	cs := containers()
	if len(cs) == 0 {
		return fmt.Errorf("target %s has no container to release %s into", key, image)
	}
	patch := client.MergeFrom(obj.DeepCopyObject().(client.Object))
	cs[0].Image = image
	if err := w.client.Patch(ctx, obj, patch); err != nil {
		return fmt.Errorf("releasing %s into %s: %w", image, key, err)
	}
	return nil
}

// targetObject is an empty object of the target's kind, and a way to
// reach its pod's containers once read.
func targetObject(knative bool, kind string) (client.Object, func() []corev1.Container) {
	switch {
	case knative:
		var k knativev1.Service
		return &k, func() []corev1.Container { return k.Spec.Template.Spec.Containers }
	case kind == "DaemonSet":
		var d appsv1.DaemonSet
		return &d, func() []corev1.Container { return d.Spec.Template.Spec.Containers }
	}
	var d appsv1.Deployment
	return &d, func() []corev1.Container { return d.Spec.Template.Spec.Containers }
}

// setConfig replaces a ConfigMap's or a Secret's data, as a GitOps sync of
// an edited one would.
func (w *world) setConfig(ctx context.Context, c *scenarios.ConfigChange) error {
	key := client.ObjectKey{Namespace: w.cd.Namespace, Name: c.Name}
	var obj client.Object
	if c.Kind == "Secret" {
		var s corev1.Secret
		if err := w.client.Get(ctx, key, &s); err != nil {
			return fmt.Errorf("reading Secret %s: %w", key, err)
		}
		s.Data, s.StringData = nil, c.Data
		obj = &s
	} else {
		var cm corev1.ConfigMap
		if err := w.client.Get(ctx, key, &cm); err != nil {
			return fmt.Errorf("reading ConfigMap %s: %w", key, err)
		}
		cm.Data = c.Data
		obj = &cm
	}
	if err := w.client.Update(ctx, obj); err != nil {
		return fmt.Errorf("changing the data of %s %s: %w", c.Kind, key, err)
	}
	return nil
}

// suspend sets the Canary's spec.suspend, as a user pausing a rollout would.
func (w *world) suspend(ctx context.Context, on bool) error {
	cd, err := w.canary(ctx)
	if err != nil {
		return err
	}
	patch := client.MergeFrom(cd.DeepCopy())
	cd.Spec.Suspend = on
	if err := w.client.Patch(ctx, cd, patch); err != nil {
		return fmt.Errorf("setting suspend=%v on canary %s: %w", on, w.key, err)
	}
	return nil
}
