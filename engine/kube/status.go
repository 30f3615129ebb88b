// This file writes a tick's results back to the API server: the Canary's status subresource when it
// changed, and the engine's events as Kubernetes Events.

package kube

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// WriteStatus writes the status subresource when it changed, and keeps cd
// in step so the rest of the tick reads what was written.
func (c *Cluster) WriteStatus(ctx context.Context, cd *v1beta1.Canary, st v1beta1.CanaryStatus) error {
	if sameStatus(&cd.Status, &st) {
		return nil
	}
	old := cd.Status
	cd.Status = st
	if err := c.writeStatus(ctx, cd); err != nil {
		cd.Status = old
		return fmt.Errorf("writing the status of canary %s/%s: %w", cd.Namespace, cd.Name, err)
	}
	return nil
}

// sameStatus is equality.Semantic.DeepEqual(a, b), written out: the
// same fields compared, times by their UTC instant and an empty map or
// slice equal to a nil one, as Semantic does. Its reflection boxed every
// time it compared, on every tick; TestSameStatusIsSemantic holds this to
// it, and fails when the status gains a field.
func sameStatus(a, b *v1beta1.CanaryStatus) bool {
	return a.Phase == b.Phase && a.FailedChecks == b.FailedChecks && a.CanaryWeight == b.CanaryWeight &&
		a.Iterations == b.Iterations && a.PreviousSessionAffinityCookie == b.PreviousSessionAffinityCookie &&
		a.SessionAffinityCookie == b.SessionAffinityCookie && a.PrimarySessionAffinityCookie == b.PrimarySessionAffinityCookie &&
		a.LastAppliedSpec == b.LastAppliedSpec && a.LastPromotedSpec == b.LastPromotedSpec &&
		sameTime(a.LastTransitionTime, b.LastTransitionTime) && sameConfigs(a.TrackedConfigs, b.TrackedConfigs) &&
		slices.EqualFunc(a.Conditions, b.Conditions, sameCondition)
}

func sameCondition(a, b v1beta1.CanaryCondition) bool {
	return a.Type == b.Type && a.Status == b.Status && a.Reason == b.Reason && a.Message == b.Message &&
		sameTime(a.LastUpdateTime, b.LastUpdateTime) && sameTime(a.LastTransitionTime, b.LastTransitionTime)
}

// sameTime is Semantic's equality of two times.
func sameTime(a, b metav1.Time) bool { return a.UTC() == b.UTC() }

func sameConfigs(a, b *map[string]string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return maps.Equal(*a, *b)
}

// statusWriter is a client that keeps the object a status write sends as
// the stored one, its fields but the status set to the stored ones,
// instead of copying the status in and the stored object back out: the
// embedded cluster's Store (its WriteStatus). cd is the tick's own shallow
// copy of the Canary, which the rest of the tick only reads, and its status
// is the decision's, which the runner and the reports only read. A copy of
// the whole Canary, analysis and all, was most of what the write cost. A
// client a fault decorates does not implement it, and is written with
// Status().Update.
type statusWriter interface {
	WriteStatus(obj client.Object) error
}

func (c *Cluster) writeStatus(ctx context.Context, cd *v1beta1.Canary) error {
	return UpdateStatus(ctx, c.Client, cd)
}

// UpdateStatus writes obj's status through c: handed over to a client
// that keeps it (see statusWriter), else with Status().Update. The engine
// and the embedded cluster's workload controllers write statuses alike.
func UpdateStatus(ctx context.Context, c client.Client, obj client.Object) error {
	if w, ok := c.(statusWriter); ok {
		return w.WriteStatus(obj)
	}
	return c.Status().Update(ctx, obj)
}

// canaryAPIVersion is a Canary's apiVersion, which every event names:
// written once, not once an event.
var canaryAPIVersion = v1beta1.GroupVersion.String()

// Record writes Kubernetes events, named after the canary and the virtual
// or wall time, so `kubectl get events` shows the engine's words.
func (c *Cluster) Record(ctx context.Context, cd *v1beta1.Canary, events []engine.Event, now time.Time) error {
	for i, e := range events {
		ev := &corev1.Event{
			ObjectMeta: metav1.ObjectMeta{Namespace: cd.Namespace, Name: eventName(cd.Name, now, i)},
			InvolvedObject: corev1.ObjectReference{Kind: "Canary", APIVersion: canaryAPIVersion,
				Namespace: cd.Namespace, Name: cd.Name, UID: cd.UID},
			Type: string(e.Type), Reason: "Synced", Message: e.Message,
			Source:         corev1.EventSource{Component: "rehearse"},
			FirstTimestamp: metav1.NewTime(now), LastTimestamp: metav1.NewTime(now), Count: 1,
		}
		if err := c.createIfMissing(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// eventName is <canary>.<time in hex nanoseconds>.<index>, written in one
// string: joined from the formatted numbers it took three.
func eventName(canary string, now time.Time, i int) string {
	b := make([]byte, 0, 64)
	b = append(append(b, canary...), '.')
	b = append(strconv.AppendInt(b, now.UnixNano(), 16), '.')
	return string(strconv.AppendInt(b, int64(i), 10))
}
