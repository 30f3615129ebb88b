package cluster

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine/kube"
)

// Behaviour is how pods of one image become ready.
type Behaviour struct {
	// ReadyAfter is how long after a rollout starts its pods are available.
	ReadyAfter time.Duration
	// Never: the pods never become available (crash loop, failing probes).
	Never bool
	// Reason words Never for the user, e.g. "CrashLoopBackOff".
	Reason string
	// DeadlineExceeded: the Deployment's own progress deadline fires once
	// ReadyAfter has passed without the pods becoming available.
	DeadlineExceeded bool
	// Since, when set, is when pods that were ready stopped being so (a
	// fault), rather than the start of the rollout.
	Since time.Time
}

// Behaviours says how each image behaves at a moment; images it does not
// know are ready at once.
type Behaviours func(image string, now time.Time) Behaviour

// Controller plays the Deployment controller: it remembers when each
// Deployment's current rollout started and writes the status a real
// controller would write at a given time.
type Controller struct {
	Client    client.Client
	Namespace string
	Behaviour Behaviours
	// Override, when set, replaces the behaviour of one Deployment by name
	// (a fault that hits the canary or the primary, whatever its image).
	Override  func(name string, now time.Time) (Behaviour, bool)
	rollouts  map[string]rollout
	revisions map[string]revision // by Deployment name: hashing a pod template is not free
}

// revision is a Deployment's pod-template hash at one resourceVersion.
type revision struct {
	resourceVersion, hash string
}

// revisionOf hashes d's pod template, once per resourceVersion.
func (c *Controller) revisionOf(d *appsv1.Deployment) string {
	if r, ok := c.revisions[d.Name]; ok && r.resourceVersion == d.ResourceVersion && d.ResourceVersion != "" {
		return r.hash
	}
	if c.revisions == nil {
		c.revisions = map[string]revision{}
	}
	h := kube.Revision(&d.Spec.Template)
	c.revisions[d.Name] = revision{d.ResourceVersion, h}
	return h
}

type rollout struct {
	revision string
	replicas int32
	started  time.Time
}

// Sync brings every Deployment's status to what it would be at now.
func (c *Controller) Sync(ctx context.Context, now time.Time) error {
	var list appsv1.DeploymentList
	if err := c.Client.List(ctx, &list, client.InNamespace(c.Namespace)); err != nil {
		return fmt.Errorf("listing deployments: %w", err)
	}
	for i := range list.Items {
		if err := c.sync(ctx, &list.Items[i], now); err != nil {
			return err
		}
	}
	return nil
}

func (c *Controller) sync(ctx context.Context, d *appsv1.Deployment, now time.Time) error {
	r := c.track(d, now)
	st := c.status(d, r, now)
	if equality.Semantic.DeepEqual(d.Status, st) {
		return nil
	}
	d.Status = st
	if err := c.Client.Status().Update(ctx, d); err != nil {
		return fmt.Errorf("updating the status of deployment %s/%s: %w", d.Namespace, d.Name, err)
	}
	return nil
}

// track starts a new rollout when the pod template or a scale-up changes
// what must run.
func (c *Controller) track(d *appsv1.Deployment, now time.Time) rollout {
	if c.rollouts == nil {
		c.rollouts = map[string]rollout{}
	}
	cur := rollout{revision: c.revisionOf(d), replicas: replicas(d), started: now}
	old, ok := c.rollouts[d.Name]
	if ok && old.revision == cur.revision && (old.replicas > 0 || cur.replicas == 0) {
		old.replicas = cur.replicas
		c.rollouts[d.Name] = old
		return old
	}
	c.rollouts[d.Name] = cur
	return cur
}

func replicas(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

func image(d *appsv1.Deployment) string {
	if cs := d.Spec.Template.Spec.Containers; len(cs) > 0 {
		return cs[0].Image
	}
	return ""
}

// status is the Deployment status at now: all replicas updated, available
// once the image's pods are ready.
func (c *Controller) status(d *appsv1.Deployment, r rollout, now time.Time) appsv1.DeploymentStatus {
	n, b := r.replicas, c.Behaviour(image(d), now)
	if c.Override != nil {
		if o, ok := c.Override(d.Name, now); ok {
			b = o
		}
	}
	ready := n == 0 || (!b.Never && !now.Before(r.started.Add(b.ReadyAfter)))
	st := appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: n, UpdatedReplicas: n}
	since := metav1.NewTime(r.started)
	if !b.Since.IsZero() && b.Since.After(r.started) {
		since = metav1.NewTime(b.Since)
	}
	if ready {
		st.ReadyReplicas, st.AvailableReplicas = n, n
		st.Conditions = []appsv1.DeploymentCondition{
			{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable", LastUpdateTime: since, LastTransitionTime: since},
			{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "NewReplicaSetAvailable", LastUpdateTime: since, LastTransitionTime: since},
		}
		return st
	}
	st.UnavailableReplicas = n
	progress := appsv1.DeploymentCondition{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue, Reason: "ReplicaSetUpdated",
		Message: b.Reason, LastUpdateTime: since, LastTransitionTime: since}
	if b.DeadlineExceeded && !now.Before(r.started.Add(b.ReadyAfter)) {
		progress.Status, progress.Reason = corev1.ConditionFalse, "ProgressDeadlineExceeded"
	}
	st.Conditions = []appsv1.DeploymentCondition{
		{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse, Reason: "MinimumReplicasUnavailable",
			Message: b.Reason, LastUpdateTime: since, LastTransitionTime: since},
		progress,
	}
	return st
}

// Serving says whether a Deployment's pods answer requests at t: it has
// replicas and its current rollout's pods are available by then. A pod
// template the controller has not synced yet is a rollout starting at t.
func (c *Controller) Serving(d *appsv1.Deployment, t time.Time) bool {
	rev := c.revisionOf(d)
	r, ok := c.rollouts[d.Name]
	if !ok || r.revision != rev {
		r = rollout{revision: rev, replicas: replicas(d), started: t}
	}
	r.replicas = replicas(d)
	return r.replicas > 0 && c.status(d, r, t).AvailableReplicas > 0
}

// Image is the image a Deployment runs (its first container's).
func Image(d *appsv1.Deployment) string { return image(d) }
