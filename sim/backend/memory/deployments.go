// This file plays Kubernetes' Deployment controller on the embedded
// cluster: how pods of each image become ready, and the status and conditions
// Flagger reads; it also holds the Controller the other workload files extend.

package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
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

// Target kinds the controller plays the workload controller of, beside
// Deployments, which it always plays.
const (
	KindDaemonSet = "DaemonSet"
	KindKnative   = "Knative"
)

// Controller plays the workload controllers a rehearsal needs: Kubernetes'
// Deployment and DaemonSet controllers and Knative's revision controller.
// It remembers when each workload's current rollout started and writes the
// status a real controller would write at a given time.
type Controller struct {
	Client    client.Client
	Namespace string
	Behaviour Behaviours
	// Override, when set, replaces the behaviour of one workload by name
	// (a fault that hits the canary or the primary, whatever its image). A
	// Knative revision is asked under the name of its role: the Service's
	// name for the latest one, with -primary for the primary one.
	Override func(name string, now time.Time) (Behaviour, bool)
	// Kind is the Canary's target kind beside Deployment: KindDaemonSet or
	// KindKnative; only those workloads are synced besides Deployments.
	Kind string
	// Revisions, when set, hashes the pod templates this controller's own
	// memo misses: the engine's memo of the same cluster (its
	// kube.Cluster's), so a template either side reads first is hashed
	// once, not once by each.
	Revisions *kube.RevisionMemo
	rollouts  map[workloadKey]rollout
	revisions map[workloadKey]revision // hashing a pod template is not free
	handed    map[workloadKey]*Pods    // the Pods Versions last handed out
}

// workloadKey names a workload, or a Knative revision, by kind and name:
// a string joined from both cost an allocation on every sync.
type workloadKey struct{ kind, name string }

// revision is a workload's pod-template hash at one version of its spec,
// and the template hashed, which is never changed: a stored object's (see
// peeker), or a copy read for the sync alone.
type revision struct {
	version  specVersion
	template *corev1.PodTemplateSpec
	hash     string
}

// specVersion names one version of an object's spec: on the Store its UID
// and generation, which the Store bumps on every change of the spec and
// only then (status writes, which bump the resourceVersion on every tick,
// leave it); elsewhere its resourceVersion.
type specVersion struct {
	uid             types.UID
	generation      int64
	resourceVersion string
}

func (c *Controller) specVersion(obj client.Object) specVersion {
	if _, ok := c.Client.(peeker); ok {
		return specVersion{uid: obj.GetUID(), generation: obj.GetGeneration()}
	}
	return specVersion{resourceVersion: obj.GetResourceVersion()}
}

type rollout struct {
	revision string
	replicas int32
	started  time.Time
}

// revisionOf hashes a pod template once per version of its object's
// spec, and not again when a new version leaves the template as it was (a
// scale): equal values encode alike, and the templates of a stored object
// and of its scaled successor share their values, which DeepEqual
// compares by address. A miss asks Revisions, when set.
func (c *Controller) revisionOf(key workloadKey, obj client.Object, t *corev1.PodTemplateSpec) string {
	v := c.specVersion(obj)
	r, ok := c.revisions[key]
	switch {
	case ok && r.version == v && v != (specVersion{}):
		return r.hash
	case ok && kube.SameTemplate(r.template, t):
	case c.Revisions != nil:
		r.hash = c.Revisions.Of(obj, t)
	default:
		r.hash = kube.Revision(t)
	}
	if c.revisions == nil {
		c.revisions = map[workloadKey]revision{}
	}
	c.revisions[key] = revision{v, t, r.hash}
	return r.hash
}

// writeStatus updates a workload's status; on the Store by handing obj
// over, a shallow copy of the stored workload with a status the controller
// builds anew for every write, which it drops after the write (it reads
// the workload afresh on its next sync).
func (c *Controller) writeStatus(ctx context.Context, obj client.Object) error {
	return kube.UpdateStatus(ctx, c.Client, obj)
}

// Sync brings every workload's status to what it would be at now.
func (c *Controller) Sync(ctx context.Context, now time.Time) error {
	if err := c.syncDeployments(ctx, now); err != nil {
		return err
	}
	switch c.Kind {
	case KindDaemonSet:
		return c.syncDaemonSets(ctx, now)
	case KindKnative:
		return c.syncKnative(ctx, now)
	}
	return nil
}

func (c *Controller) syncDeployments(ctx context.Context, now time.Time) error {
	return eachWorkload[appsv1.Deployment](ctx, c, "deployments", func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items },
		func(d *appsv1.Deployment) error { return c.syncDeployment(ctx, d, now) })
}

// syncDeployment writes d's status at now, unless it already says so.
func (c *Controller) syncDeployment(ctx context.Context, d *appsv1.Deployment, now time.Time) error {
	p := c.deploymentPods(d)
	st, conds := c.deploymentStatus(d, &p, c.track(&p, now), now)
	// The conditions stay on the stack unless they are written: most
	// syncs find the status as it was.
	seen := st
	seen.Conditions = conds[:]
	if sameDeploymentStatus(&d.Status, &seen) {
		return nil
	}
	st.Conditions = slices.Clone(conds[:])
	next := *d // d may be the stored object: never changed
	next.Status = st
	if err := c.writeStatus(ctx, &next); err != nil {
		return fmt.Errorf("updating the status of deployment %s/%s: %w", d.Namespace, d.Name, err)
	}
	return nil
}

// sameDeploymentStatus is equality.Semantic.DeepEqual of two Deployment
// statuses written out, field by field (a test fails when DeploymentStatus
// gains a field): the reflective walk cost more than the rest of a sync
// that finds nothing to write, twice a tick.
func sameDeploymentStatus(a, b *appsv1.DeploymentStatus) bool {
	return a.ObservedGeneration == b.ObservedGeneration && a.Replicas == b.Replicas &&
		a.UpdatedReplicas == b.UpdatedReplicas && a.ReadyReplicas == b.ReadyReplicas &&
		a.AvailableReplicas == b.AvailableReplicas && a.UnavailableReplicas == b.UnavailableReplicas &&
		sameCount(a.TerminatingReplicas, b.TerminatingReplicas) && sameCount(a.CollisionCount, b.CollisionCount) &&
		slices.EqualFunc(a.Conditions, b.Conditions, sameCondition)
}

func sameCount(a, b *int32) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

// sameCondition compares times as instants, as equality.Semantic does.
func sameCondition(a, b appsv1.DeploymentCondition) bool {
	return a.Type == b.Type && a.Status == b.Status && a.Reason == b.Reason && a.Message == b.Message &&
		a.LastUpdateTime.Equal(&b.LastUpdateTime) && a.LastTransitionTime.Equal(&b.LastTransitionTime)
}

// eachWorkload calls sync with each of the namespace's objects of the
// list type L, in List's order, until one fails: from the Store, the
// stored objects themselves (see peeker), which sync must not change,
// asked for by a nil *L, so no list is made only to name the type; else
// copies, through items once a list is filled. A list that fails is
// reported as listing what.
func eachWorkload[T any, PT interface {
	*T
	client.Object
}, L any, PL interface {
	*L
	client.ObjectList
}](ctx context.Context, c *Controller, what string, items func(*L) []T, sync func(PT) error) error {
	if p, ok := c.Client.(peeker); ok {
		objs, err := p.PeekList(PL(nil), c.Namespace)
		if err != nil {
			return fmt.Errorf("listing %s: %w", what, err)
		}
		for _, o := range objs {
			if err := sync(o.(PT)); err != nil {
				return err
			}
		}
		return nil
	}
	list := PL(new(L))
	if err := c.Client.List(ctx, list, client.InNamespace(c.Namespace)); err != nil {
		return fmt.Errorf("listing %s: %w", what, err)
	}
	all := items(list)
	for i := range all {
		if err := sync(&all[i]); err != nil {
			return err
		}
	}
	return nil
}

// track starts a new rollout when the pod template or a scale-up changes
// what must run.
func (c *Controller) track(p *Pods, now time.Time) rollout {
	if c.rollouts == nil {
		c.rollouts = map[workloadKey]rollout{}
	}
	cur := rollout{revision: p.revision, replicas: p.replicas, started: now}
	old, ok := c.rollouts[p.key]
	if ok && old.revision == cur.revision && (old.replicas > 0 || cur.replicas == 0) {
		old.replicas = cur.replicas
		c.rollouts[p.key] = old
		return old
	}
	c.rollouts[p.key] = cur
	return cur
}

func deploymentPods(d *appsv1.Deployment) Pods {
	n := int32(1)
	if d.Spec.Replicas != nil {
		n = *d.Spec.Replicas
	}
	return Pods{key: workloadKey{"Deployment", d.Name}, role: d.Name, Name: d.Name, Image: image(&d.Spec.Template), replicas: n,
		deadline: progressDeadline(d.Spec.ProgressDeadlineSeconds)}
}

func image(t *corev1.PodTemplateSpec) string {
	if cs := t.Spec.Containers; len(cs) > 0 {
		return cs[0].Image
	}
	return ""
}

// progressDeadline is a Deployment's spec.progressDeadlineSeconds (default 600).
func progressDeadline(s *int32) time.Duration {
	if s == nil {
		return 600 * time.Second
	}
	return time.Duration(*s) * time.Second
}

// behaviour is how p's pods behave at now: the override's word, else the
// image's.
func (c *Controller) behaviour(p *Pods, now time.Time) Behaviour {
	if c.Override != nil {
		if o, ok := c.Override(p.role, now); ok {
			return o
		}
	}
	return c.Behaviour(p.Image, now)
}

// state is whether a rollout's pods are available at now, and since when
// they have been unavailable when they are not.
func (c *Controller) state(p *Pods, r rollout, now time.Time) (ready bool, since time.Time, b Behaviour) {
	b = c.behaviour(p, now)
	since = r.started
	if !b.Since.IsZero() && b.Since.After(r.started) {
		since = b.Since
	}
	ready = r.replicas == 0 || (!b.Never && !now.Before(r.started.Add(b.ReadyAfter)))
	return ready, since, b
}

// deploymentStatus is the Deployment status at now, but its conditions,
// which come apart: all replicas updated,
// available once the image's pods are ready. The Available and Progressing
// conditions say so as the Deployment controller does, keeping their times
// while their verdict stands: Available has said MinimumReplicasUnavailable
// since the pods first became unavailable, and Progressing turns to
// ProgressDeadlineExceeded once the Deployment's own deadline
// (spec.progressDeadlineSeconds) has passed without progress.
func (c *Controller) deploymentStatus(d *appsv1.Deployment, p *Pods, r rollout, now time.Time) (appsv1.DeploymentStatus, deploymentConditions) {
	ready, since, b := c.state(p, r, now)
	n := r.replicas
	st := appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: n, UpdatedReplicas: n}
	if ready {
		st.ReadyReplicas, st.AvailableReplicas = n, n
		return st, keepTimes(d.Status.Conditions, deploymentConditions{
			condition(appsv1.DeploymentAvailable, corev1.ConditionTrue, "MinimumReplicasAvailable", "", since),
			condition(appsv1.DeploymentProgressing, corev1.ConditionTrue, "NewReplicaSetAvailable", "", since)})
	}
	st.UnavailableReplicas = n
	progress := condition(appsv1.DeploymentProgressing, corev1.ConditionTrue, "ReplicaSetUpdated", b.Reason, since)
	if (b.DeadlineExceeded && !now.Before(r.started.Add(b.ReadyAfter))) || since.Add(p.deadline).Before(now) {
		progress.Status, progress.Reason = corev1.ConditionFalse, "ProgressDeadlineExceeded"
		progress.LastUpdateTime, progress.LastTransitionTime = metav1.NewTime(now), metav1.NewTime(now)
	}
	return st, keepTimes(d.Status.Conditions, deploymentConditions{
		condition(appsv1.DeploymentAvailable, corev1.ConditionFalse, "MinimumReplicasUnavailable", b.Reason, since), progress})
}

// deploymentConditions are the two conditions deploymentStatus sets, in
// their order, as a value: the status leaves them out, for its caller to
// put in a slice of their own only when it writes them.
type deploymentConditions [2]appsv1.DeploymentCondition

func condition(t appsv1.DeploymentConditionType, s corev1.ConditionStatus, reason, msg string, at time.Time) appsv1.DeploymentCondition {
	return appsv1.DeploymentCondition{Type: t, Status: s, Reason: reason, Message: msg,
		LastUpdateTime: metav1.NewTime(at), LastTransitionTime: metav1.NewTime(at)}
}

// keepTimes is the Deployment controller's SetDeploymentCondition: a
// condition whose status and reason stand keeps its times; one whose status
// stands keeps its transition time.
func keepTimes(old []appsv1.DeploymentCondition, next deploymentConditions) deploymentConditions {
	for i := range next {
		for _, o := range old {
			switch {
			case o.Type != next[i].Type || o.Status != next[i].Status:
			case o.Reason == next[i].Reason:
				next[i].LastUpdateTime, next[i].LastTransitionTime = o.LastUpdateTime, o.LastTransitionTime
			default:
				next[i].LastTransitionTime = o.LastTransitionTime
			}
		}
	}
	return next
}

// Serving says whether a version's pods answer requests at t: they exist
// and their current rollout's pods are available by then. A pod template
// the controller has not synced yet is a rollout starting at t.
func (c *Controller) Serving(p *Pods, t time.Time) bool {
	r, ok := c.rollouts[p.key]
	if !ok || r.revision != p.revision {
		r = rollout{revision: p.revision, replicas: p.replicas, started: t}
	}
	r.replicas = p.replicas
	ready, _, _ := c.state(p, r, t)
	return r.replicas > 0 && ready
}

// Image is the image a Deployment runs (its first container's).
func Image(d *appsv1.Deployment) string { return image(&d.Spec.Template) }
