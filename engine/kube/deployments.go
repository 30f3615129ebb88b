// This file rolls out a Deployment target as Flagger does: the -primary copy and its pod template,
// scaling the canary to and from zero, and promotion onto the primary.

package kube

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// deployments rolls out a Deployment target, as Flagger's
// DeploymentController: a -primary copy that serves while the target (the
// canary) is scaled to zero between releases.
type deployments struct{ c *Cluster }

func (k deployments) observe(ctx context.Context, cd *v1beta1.Canary, _ time.Time) (target, primary engine.Workload, err error) {
	t, found, err := look[*appsv1.Deployment](ctx, k.c, cd.Namespace, cd.Spec.TargetRef.Name)
	if err != nil || !found {
		return target, primary, err
	}
	target = Readiness(t, cd.GetCanaryReadyThreshold())
	target.Exists, target.Revision = true, k.c.revisions().Of(t, &t.Spec.Template)
	if target.Configs, err = k.c.configChecksums(ctx, cd.Namespace, &t.Spec.Template.Spec); err != nil {
		return target, primary, err
	}
	p, found, err := look[*appsv1.Deployment](ctx, k.c, cd.Namespace, k.c.primaryName(cd))
	if err != nil || !found {
		return target, primary, err
	}
	primary = Readiness(p, cd.GetPrimaryReadyThreshold())
	primary.Exists, primary.Revision = true, k.c.revisions().Of(p, &p.Spec.Template)
	return target, primary, nil
}

// targetToRead is the target Deployment for a reader that neither changes
// nor keeps it (see Read): on the embedded cluster, the stored one itself.
func (k deployments) targetToRead(ctx context.Context, cd *v1beta1.Canary) (*appsv1.Deployment, error) {
	key := client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.TargetRef.Name}
	d, err := Read[*appsv1.Deployment](ctx, k.c.Client, key)
	if err != nil {
		return nil, fmt.Errorf("reading target deployment %s: %w", key, err)
	}
	return d, nil
}

// initialize creates the primary Deployment, with -primary copies of the
// configs its pods read, and the services, leaving existing ones alone.
func (k deployments) initialize(ctx context.Context, cd *v1beta1.Canary) error {
	t, err := k.targetToRead(ctx, cd)
	if err != nil {
		return err
	}
	key, value := selectorLabel(t.Spec.Selector, t.Name)
	_, found, err := look[*appsv1.Deployment](ctx, k.c, cd.Namespace, k.c.primaryName(cd))
	if err != nil {
		return err
	}
	if !found {
		refs, err := k.c.primaryConfigs(ctx, cd, &t.Spec.Template.Spec)
		if err != nil {
			return err
		}
		if err := k.c.createIfMissing(ctx, primaryDeployment(cd, t, refs, key, value)); err != nil {
			return err
		}
	}
	return k.c.createServices(ctx, cd, key, value)
}

// primaryDeployment is Flagger's createPrimaryDeployment: the target's
// rollout settings and pod template under the -primary name and selector,
// its pods reading the -primary configs.
func primaryDeployment(cd *v1beta1.Canary, t *appsv1.Deployment, refs configRefs, key, value string) *appsv1.Deployment {
	replicas := int32(1)
	if t.Spec.Replicas != nil && *t.Spec.Replicas > 0 {
		replicas = *t.Spec.Replicas
	}
	return &appsv1.Deployment{
		ObjectMeta: primaryMeta(cd, t.Annotations, key, value),
		Spec: appsv1.DeploymentSpec{
			ProgressDeadlineSeconds: t.Spec.ProgressDeadlineSeconds, MinReadySeconds: t.Spec.MinReadySeconds,
			RevisionHistoryLimit: t.Spec.RevisionHistoryLimit, Replicas: &replicas, Strategy: t.Spec.Strategy,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{key: value + "-primary"}},
			Template: primaryTemplate(t.Spec.Template.ObjectMeta, refs.apply(&t.Spec.Template.Spec), key, value),
		},
	}
}

// primaryMeta is the metadata of a new primary: Flagger copies no label
// (its -include-label-prefix is empty by default) but the selector's, and
// every annotation but Flux's; the Canary owns it.
func primaryMeta(cd *v1beta1.Canary, annotations map[string]string, key, value string) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Name: cd.PrimaryName(), Namespace: cd.Namespace,
		Labels: primaryLabels(nil, key, value), Annotations: withoutToolkit(annotations), OwnerReferences: ownedBy(cd)}
	return m
}

func withoutToolkit(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if !strings.Contains(k, toolkitMarker) {
			out[k] = v
		}
	}
	return out
}

// primaryTemplate is the target's pod template with the primary's
// selector label. Flagger also stamps a random flagger-id annotation to
// force a rollout; rehearse leaves it out, since the pod spec it copies
// already differs on every promotion that matters and reports must not
// depend on chance.
func primaryTemplate(meta metav1.ObjectMeta, spec corev1.PodSpec, key, value string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: primaryLabels(meta.Labels, key, value), Annotations: withoutToolkit(meta.Annotations)},
		Spec:       spec,
	}
}

func (k deployments) scaleToZero(ctx context.Context, cd *v1beta1.Canary) error {
	return k.scale(ctx, cd, func(*appsv1.Deployment) int32 { return 0 })
}

func (k deployments) scaleFromZero(ctx context.Context, cd *v1beta1.Canary) error {
	return k.scale(ctx, cd, k.replicasFromZero(ctx, cd))
}

// scale sets the target's replicas. The written object is a new one: the
// target read may be the stored one, never to be changed. A client that
// adopts updates (see UpdateAdopter) is handed a copy of the target with
// the new replicas, sharing the rest, which is what the patch leaves; any
// other is sent the patch, and its answer, a whole Deployment, dropped.
func (k deployments) scale(ctx context.Context, cd *v1beta1.Canary, replicas func(*appsv1.Deployment) int32) error {
	t, err := k.targetToRead(ctx, cd)
	if err != nil {
		return err
	}
	n := replicas(t)
	if t.Spec.Replicas != nil && *t.Spec.Replicas == n {
		return nil
	}
	if a, ok := k.c.Client.(UpdateAdopter); ok {
		next := *t
		next.Spec.Replicas = &n
		err = a.AdoptUpdate(&next)
	} else {
		patched := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: t.Namespace, Name: t.Name}}
		err = k.c.Client.Patch(ctx, patched, replicasPatch(n))
	}
	if err != nil {
		return fmt.Errorf("scaling deployment %s/%s to %d: %w", t.Namespace, t.Name, n, err)
	}
	return nil
}

// replicasPatch is the merge patch client.MergeFrom computes when only
// spec.replicas changes, written out: the same bytes on the wire, without
// encoding the whole Deployment twice and diffing the two documents, which
// cost more than the rest of a scale.
func replicasPatch(n int32) client.Patch {
	return client.RawPatch(types.MergePatchType, []byte(`{"spec":{"replicas":`+strconv.FormatInt(int64(n), 10)+`}}`))
}

// replicasFromZero is Flagger's ScaleFromZero rule: the target's own
// replicas; else, without an autoscaler, the primary's; else the
// autoscaler's minimum when above one; else one.
func (k deployments) replicasFromZero(ctx context.Context, cd *v1beta1.Canary) func(*appsv1.Deployment) int32 {
	return func(t *appsv1.Deployment) int32 {
		if t.Spec.Replicas != nil && *t.Spec.Replicas > 0 {
			return *t.Spec.Replicas
		}
		if cd.Spec.AutoscalerRef != nil {
			return k.c.scalerMinimum(ctx, cd)
		}
		if p, found, err := look[*appsv1.Deployment](ctx, k.c, cd.Namespace, k.c.primaryName(cd)); found && err == nil && p.Spec.Replicas != nil && *p.Spec.Replicas > 0 {
			return *p.Spec.Replicas
		}
		return 1
	}
}

// promote is Flagger's Promote: the target's pod spec (reading -primary
// copies of its configs), rollout settings and, without an autoscaler,
// replicas go to the primary, which keeps its own selector label. A client
// that adopts updates (see UpdateAdopter) is handed the promoted primary, a
// copy of the one read that shares what promotion leaves; any other is
// sent the merge patch of the change.
func (k deployments) promote(ctx context.Context, cd *v1beta1.Canary) error {
	t, err := k.targetToRead(ctx, cd)
	if err != nil {
		return err
	}
	stored, err := Read[*appsv1.Deployment](ctx, k.c.Client, client.ObjectKey{Namespace: cd.Namespace, Name: k.c.primaryName(cd)})
	if err != nil {
		return fmt.Errorf("reading primary deployment %s/%s: %w", cd.Namespace, cd.PrimaryName(), err)
	}
	p := *stored // promoteInto replaces p's fields, never what they point to
	refs, err := k.c.primaryConfigs(ctx, cd, &t.Spec.Template.Spec)
	if err != nil {
		return err
	}
	if a, ok := k.c.Client.(UpdateAdopter); ok {
		promoteInto(cd, &p, t, refs)
		err = a.AdoptUpdate(&p)
	} else {
		err = k.c.patchPromotion(ctx, cd, &p, t, refs)
	}
	if err != nil {
		return fmt.Errorf("promoting %s/%s to the primary: %w", cd.Namespace, cd.Spec.TargetRef.Name, err)
	}
	return nil
}

func (c *Cluster) patchPromotion(ctx context.Context, cd *v1beta1.Canary, p, t *appsv1.Deployment, refs configRefs) error {
	patch, err := promotion(cd, p, t, refs)
	if err != nil {
		return err
	}
	return c.Client.Patch(ctx, p, patch)
}

// UpdateAdopter is a client that keeps an object handed over for an update
// instead of copying it in and back out: the embedded cluster's Store (its
// AdoptUpdate). A promotion's patch cost more than the rest of it: the
// primary encoded and diffed, the patch decoded again, the pod spec with
// it. The promoted primary is what the patch leaves on the stored one: its
// fields promote does not write are as read, and the rest are what the
// patch sets them to. A client a fault decorates does not adopt, and is
// sent the patch.
type UpdateAdopter interface {
	AdoptUpdate(obj client.Object) error
}

// promotion changes the primary p as promote does and returns the merge
// patch client.MergeFrom computes for the change, from a diff of only the
// parts promote writes (see promoted): the rest is the same on both sides,
// so the patch is the same, without copying the whole Deployment and
// encoding its metadata and status twice.
func promotion(cd *v1beta1.Canary, p, t *appsv1.Deployment, refs configRefs) (client.Patch, error) {
	before := promoted(p)
	promoteInto(cd, p, t, refs)
	data, err := client.MergeFrom(before).Data(promoted(p))
	if err != nil {
		return nil, fmt.Errorf("computing the promotion patch: %w", err)
	}
	return client.RawPatch(types.MergePatchType, data), nil
}

// promoteInto changes the primary p as promote does: it replaces p's
// fields, never changes what they point to, which p may share with
// others (the stored target's rollout settings among them).
func promoteInto(cd *v1beta1.Canary, p, t *appsv1.Deployment, refs configRefs) {
	key, value := selectorLabel(t.Spec.Selector, t.Name)
	p.Spec.ProgressDeadlineSeconds, p.Spec.MinReadySeconds = t.Spec.ProgressDeadlineSeconds, t.Spec.MinReadySeconds
	p.Spec.RevisionHistoryLimit, p.Spec.Strategy = t.Spec.RevisionHistoryLimit, t.Spec.Strategy
	if cd.Spec.AutoscalerRef == nil {
		p.Spec.Replicas = t.Spec.Replicas
	}
	p.Spec.Template = primaryTemplate(t.Spec.Template.ObjectMeta, refs.apply(&t.Spec.Template.Spec), key, value)
	p.Labels, p.Annotations = primaryLabels(nil, key, value), map[string]string{}
}

// promoted is what promote writes of a Deployment, in a Deployment of its
// own: the labels, the annotations and the spec. It shares d's values:
// promote replaces them, never changes them in place.
func promoted(d *appsv1.Deployment) *appsv1.Deployment {
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Labels: d.Labels, Annotations: d.Annotations}, Spec: d.Spec}
}
