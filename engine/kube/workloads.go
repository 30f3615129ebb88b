// This file is the Cluster (runner.Cluster over a Kubernetes client): the target kind behind a
// Canary, observing its workloads, Deployment readiness and the pod template's revision hash.

package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Cluster implements runner.Cluster over a Kubernetes client, the client
// of one API server.
type Cluster struct {
	Client client.Client
	// Revisions, when set, is the memo of pod-template revisions, shared
	// with another reader of the same cluster's workloads (the embedded
	// cluster's workload controllers), so a template either reads first is
	// hashed once, not once by each; else the Cluster keeps its own.
	Revisions *RevisionMemo
	own       RevisionMemo
	primary   atomic.Pointer[primaryName] // the last primary named (see primaryName)
}

// primaryName is a target's name and its primary's.
type primaryName struct{ target, primary string }

// primaryName is cd.PrimaryName(), remembered for the last target named: a
// Cluster rolls out one Canary or a few, and observing one joined its
// primary's name on every tick.
func (c *Cluster) primaryName(cd *v1beta1.Canary) string {
	target := cd.Spec.TargetRef.Name
	if n := c.primary.Load(); n != nil && n.target == target {
		return n.primary
	}
	n := &primaryName{target: target, primary: cd.PrimaryName()}
	c.primary.Store(n)
	return n.primary
}

// revisions is the Cluster's memo of pod-template revisions.
func (c *Cluster) revisions() *RevisionMemo {
	if c.Revisions != nil {
		return c.Revisions
	}
	return &c.own
}

// targetKind is how one kind of target is rolled out: Flagger's
// canary.Controller, one implementation per kind.
type targetKind interface {
	// observe reads the target and the primary at now.
	observe(ctx context.Context, cd *v1beta1.Canary, now time.Time) (target, primary engine.Workload, err error)
	// initialize creates the primary (and the copies of its configs).
	initialize(ctx context.Context, cd *v1beta1.Canary) error
	scaleToZero(ctx context.Context, cd *v1beta1.Canary) error
	scaleFromZero(ctx context.Context, cd *v1beta1.Canary) error
	// promote copies the target's pod spec (and configs) to the primary.
	promote(ctx context.Context, cd *v1beta1.Canary) error
}

// kindOf picks the rollout of the Canary's target, as Flagger's factory
// does by kind (and, for a Service, by apiVersion). The manifest checks
// refuse every other target before a rehearsal starts.
func (c *Cluster) kindOf(cd *v1beta1.Canary) targetKind {
	switch {
	case cd.Spec.TargetRef.IsKnativeService():
		return knativeServices{c}
	case cd.Spec.TargetRef.Kind == "DaemonSet":
		return daemonSets{c}
	}
	return deployments{c}
}

// Workloads observes the target and the primary at now.
func (c *Cluster) Workloads(ctx context.Context, cd *v1beta1.Canary, now time.Time) (target, primary engine.Workload, err error) {
	return c.kindOf(cd).observe(ctx, cd, now)
}

// get reads one object, reporting a missing one as found=false.
func (c *Cluster) get(ctx context.Context, ns, name string, obj client.Object) (found bool, err error) {
	return foundOf(c.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, obj), obj, ns, name)
}

// foundOf is a read's error as get and look report it: a missing object
// is found=false, any other error names what was read.
func foundOf(err error, obj client.Object, ns, name string) (found bool, _ error) {
	switch {
	case err == nil:
		return true, nil
	case isNotFound(err):
		return false, nil
	}
	return false, fmt.Errorf("reading %s %s/%s: %w", kindName(obj), ns, name, err)
}

// lender is a client that lends the objects it holds to a reader that
// neither changes nor keeps them, instead of copying them: the embedded
// cluster's Store (its Lend), whose objects are replaced, never changed in
// place. A client a fault decorates does not lend, and is read with Get.
type lender interface {
	Lend(key client.ObjectKey, obj client.Object) (client.Object, error)
}

// Read is Get for a reader that neither changes nor keeps what it reads:
// from a client that lends (see lender) the stored object itself, named to
// it by a nil *T, so no T is made at all; else a new T, read into; the
// errors are Get's. A Deployment's deep copy, pod template and all, was
// most of what reading it cost, and an empty Deployment only to name the
// type was a kilobyte a read.
func Read[T client.Object](ctx context.Context, c client.Client, key client.ObjectKey) (T, error) {
	var typ T
	l, ok := c.(lender)
	if !ok {
		obj := reflect.New(reflect.TypeFor[T]().Elem()).Interface().(T)
		return obj, c.Get(ctx, key, obj)
	}
	stored, err := l.Lend(key, typ)
	if err != nil {
		return typ, err
	}
	return stored.(T), nil
}

// peeker is a lender that also says an object is missing without an
// error: the embedded cluster's Store (its Peek). A NotFound error, its
// message formatted, was most of what looking for a missing object cost,
// and the caller only asks whether it was found. A client a fault
// decorates does not peek, and is read with Get.
type peeker interface {
	Peek(key client.ObjectKey, obj client.Object) (stored client.Object, found bool, err error)
}

// look is Read with a missing object reported as found=false (and got
// nil), as get reports it.
func look[T client.Object](ctx context.Context, c *Cluster, ns, name string) (got T, found bool, err error) {
	key := client.ObjectKey{Namespace: ns, Name: name}
	if p, ok := c.Client.(peeker); ok {
		stored, found, err := p.Peek(key, got)
		if err != nil || !found {
			return got, false, err
		}
		return stored.(T), true, nil
	}
	got, err = Read[T](ctx, c.Client, key)
	if found, err = foundOf(err, got, ns, name); !found {
		var none T
		got = none
	}
	return got, found, err
}

// Revision hashes a pod template: the identity of a release. Fields are
// marshalled in a fixed order, so the hash is stable across processes.
func Revision(t *corev1.PodTemplateSpec) string {
	b, _ := json.Marshal(t.Spec)
	return hashBytes(b)
}

// RevisionMemo remembers the revision of each workload read, by the
// version of the object it was read from: its UID and resourceVersion,
// which every write of the object changes, so a hit hashes the same pod
// template; and by the template itself, so a write that left it (a status
// write, a scale) needs no hash either. Observing hashed both workloads'
// pod specs as JSON every tick, though a template changes only with a
// release or a promotion. A new version whose pod spec equals one of the
// last few hashed, of any workload, takes that one's revision: a primary
// is created, and promoted, with the target's pod spec, and hashing it
// again was half of a rehearsal's hashes. The zero value is ready; it is
// safe for concurrent use.
type RevisionMemo struct {
	mu     sync.Mutex
	byUID  map[types.UID]versionRevision
	recent [recentRevisions]versionRevision // the last pod specs hashed, a ring
	next   int                              // where the next hashed spec goes in recent
}

// recentRevisions is how many of the last hashed pod specs a new version
// is compared with before it is hashed: a rollout has two workloads, the
// target and the primary, and each of its releases one new spec.
const recentRevisions = 4

// versionRevision is one workload's revision, the template it hashed and
// the resourceVersion it was read at. The template is never changed: it
// is the one of a stored object a client lent (see lender), or of a copy
// read for the observation alone.
type versionRevision struct {
	resourceVersion string
	template        *corev1.PodTemplateSpec
	revision        string
}

// maxRevisions bounds the memo of a long-lived Cluster: past it, the memo
// starts again, forgetting workloads deleted since.
const maxRevisions = 1024

// Of is Revision(t) for t, obj's pod template, through the memo (see of):
// t must be left unchanged, as the template of a stored object a client
// lent, or of a copy read for the caller alone, is.
func (m *RevisionMemo) Of(obj client.Object, t *corev1.PodTemplateSpec) string {
	return m.of(obj, t, func() string { return Revision(t) })
}

// of is the revision of t, obj's pod template: hash's answer unless obj's
// version, or a template equal to t, was hashed before (equal values
// encode alike); an object with no UID or resourceVersion is always
// hashed. Templates a write left alone share their values with the one
// remembered, which DeepEqual then compares by address.
func (m *RevisionMemo) of(obj client.Object, t *corev1.PodTemplateSpec, hash func() string) string {
	uid, rv := obj.GetUID(), obj.GetResourceVersion()
	if uid == "" || rv == "" {
		return hash()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.byUID[uid]
	switch {
	case ok && r.resourceVersion == rv:
		return r.revision
	case ok && SameTemplate(r.template, t):
	default:
		r.revision = m.ofSpec(t, hash)
	}
	if m.byUID == nil || len(m.byUID) >= maxRevisions {
		m.byUID = map[types.UID]versionRevision{}
	}
	m.byUID[uid] = versionRevision{rv, t, r.revision}
	return r.revision
}

// ofSpec is the revision of a pod spec one of the last hashed equals
// (equal values encode alike, and a revision hashes the spec alone), else
// hash's answer, remembered among them; the caller holds the lock. A
// primary's spec built from the target's shares its values, which
// DeepEqual compares by address.
func (m *RevisionMemo) ofSpec(t *corev1.PodTemplateSpec, hash func() string) string {
	for _, r := range m.recent {
		if r.template != nil && equal(&r.template.Spec, &t.Spec) {
			return r.revision
		}
	}
	rev := hash()
	m.recent[m.next] = versionRevision{template: t, revision: rev}
	m.next = (m.next + 1) % recentRevisions
	return rev
}

// SameTemplate is reflect.DeepEqual of two pod templates, quicker for
// one copied from the other: a stored workload a status write or a scale
// replaced shares its template's values with the one before, and walking
// them field by field, on every version of both workloads, was most of
// what remembering their revisions cost.
func SameTemplate(a, b *corev1.PodTemplateSpec) bool { return equal(a, b) }

// equal is reflect.DeepEqual(a, b), which memory that is byte for byte
// the same (the same scalars, and the same pointers, lengths and maps)
// always is; any other is walked.
func equal[T any](a, b *T) bool {
	return a == b || sameMemory(a, b) || reflect.DeepEqual(a, b)
}

func sameMemory[T any](a, b *T) bool {
	n := int(unsafe.Sizeof(*a))
	return unsafe.String((*byte)(unsafe.Pointer(a)), n) == unsafe.String((*byte)(unsafe.Pointer(b)), n)
}

func hashBytes(b []byte) string {
	h := fnv.New32a()
	h.Write(b)
	return strconv.FormatUint(uint64(h.Sum32()), 16)
}

// Readiness reads a Deployment's rollout status as Flagger's
// isDeploymentReady does: the Progressing condition's verdict, then updated,
// old and available replicas against the ready threshold (a percentage).
// While the Available condition says MinimumReplicasUnavailable, the time it
// last changed bounds the retries: the engine fails the canary once the
// Canary's progress deadline has passed since then.
func Readiness(d *appsv1.Deployment, threshold int) engine.Workload {
	st := d.Status
	if d.Generation > st.ObservedGeneration {
		return notReady("observed deployment generation less than desired generation")
	}
	progress := condition(st, appsv1.DeploymentProgressing)
	if progress != nil && progress.Reason == "ProgressDeadlineExceeded" {
		return engine.Workload{Readiness: engine.DeadlineExceeded, Message: fmt.Sprintf("deployment %q exceeded its progress deadline", d.Name)}
	}
	w := notReady("")
	if a := condition(st, appsv1.DeploymentAvailable); progress != nil && a != nil &&
		a.Status == corev1.ConditionFalse && a.Reason == "MinimumReplicasUnavailable" {
		w.UnavailableSince = a.LastUpdateTime.Time
	}
	needed := int32(float32(st.UpdatedReplicas) * float32(threshold) / 100)
	switch {
	case d.Spec.Replicas != nil && st.UpdatedReplicas < *d.Spec.Replicas:
		w.Message = fmt.Sprintf("waiting for rollout to finish: %d out of %d new replicas have been updated", st.UpdatedReplicas, *d.Spec.Replicas)
	case st.Replicas > st.UpdatedReplicas:
		w.Message = fmt.Sprintf("waiting for rollout to finish: %d old replicas are pending termination", st.Replicas-st.UpdatedReplicas)
	case st.AvailableReplicas < needed:
		w.Message = fmt.Sprintf("waiting for rollout to finish: %d of %d (readyThreshold %d%%) updated replicas are available", st.AvailableReplicas, needed, threshold)
	default:
		return engine.Workload{Readiness: engine.Ready}
	}
	return w
}

func notReady(msg string) engine.Workload {
	return engine.Workload{Readiness: engine.NotReady, Message: msg}
}

func condition(st appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}
