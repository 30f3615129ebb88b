package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Cluster implements runner.Cluster over a Kubernetes client.
type Cluster struct {
	Client client.Client
}

// Workloads observes the target and primary Deployments.
func (c *Cluster) Workloads(ctx context.Context, cd *v1beta1.Canary, _ time.Time) (target, primary engine.Workload, err error) {
	if target, err = c.workload(ctx, cd.Namespace, cd.Spec.TargetRef.Name, cd.GetCanaryReadyThreshold()); err != nil {
		return target, primary, err
	}
	primary, err = c.workload(ctx, cd.Namespace, cd.PrimaryName(), cd.GetPrimaryReadyThreshold())
	return target, primary, err
}

func (c *Cluster) workload(ctx context.Context, ns, name string, threshold int) (engine.Workload, error) {
	var d appsv1.Deployment
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &d); err != nil {
		if apierrors.IsNotFound(err) {
			return engine.Workload{}, nil
		}
		return engine.Workload{}, fmt.Errorf("reading deployment %s/%s: %w", ns, name, err)
	}
	w := Readiness(&d, threshold)
	w.Exists, w.Revision = true, Revision(&d.Spec.Template)
	return w, nil
}

// Revision hashes a pod template: the identity of a release. Fields are
// marshalled in a fixed order, so the hash is stable across processes.
func Revision(t *corev1.PodTemplateSpec) string {
	b, _ := json.Marshal(t.Spec)
	h := fnv.New32a()
	h.Write(b)
	return strconv.FormatUint(uint64(h.Sum32()), 16)
}

// Readiness reads a Deployment's rollout status as Flagger's
// isDeploymentReady does: the Progressing condition's verdict, then updated,
// old and available replicas against the ready threshold (a percentage).
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
