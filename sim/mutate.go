package sim

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// setImage releases a new image of the target, as a user's `kubectl set
// image` or a GitOps sync would.
func (w *world) setImage(ctx context.Context, image string) error {
	var d appsv1.Deployment
	cd := w.cd
	key := client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.TargetRef.Name}
	if err := w.client.Get(ctx, key, &d); err != nil {
		return fmt.Errorf("reading target %s: %w", key, err)
	}
	if len(d.Spec.Template.Spec.Containers) == 0 {
		return fmt.Errorf("target %s has no container to release %s into", key, image)
	}
	patch := client.MergeFrom(d.DeepCopy())
	d.Spec.Template.Spec.Containers[0].Image = image
	if err := w.client.Patch(ctx, &d, patch); err != nil {
		return fmt.Errorf("releasing %s into %s: %w", image, key, err)
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
