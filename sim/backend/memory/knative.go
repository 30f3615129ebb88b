// This file plays Knative Serving's revision controller, as much of it as
// Flagger relies on: a revision per template change and its readiness.

package memory

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/kube"
)

// Knative Serving's part, as much of it as Flagger relies on: every change
// of a Service's template creates a revision <service>-00001, -00002...;
// a revision is Ready once its image's pods are; the Service's status names
// the latest created and the latest ready revision and resolves its traffic
// targets, a latestRevision target going to the latest ready revision.

// Labels and annotations the revision controller puts on a revision.
const (
	serviceLabel       = "serving.knative.dev/service"
	templateAnnotation = "rehearse.dev/template-hash"
)

func (c *Controller) syncKnative(ctx context.Context, now time.Time) error {
	var services knativev1.ServiceList
	if err := c.Client.List(ctx, &services, client.InNamespace(c.Namespace)); err != nil {
		return fmt.Errorf("listing Knative Services: %w", err)
	}
	for i := range services.Items {
		if err := c.syncService(ctx, &services.Items[i], now); err != nil {
			return err
		}
	}
	return nil
}

// syncService creates the revision of a new template, then writes every
// revision's readiness and the Service's status.
func (c *Controller) syncService(ctx context.Context, svc *knativev1.Service, now time.Time) error {
	revs, err := c.serviceRevisions(ctx, svc)
	if err != nil {
		return err
	}
	hash := templateHash(svc)
	if len(revs) == 0 || revs[len(revs)-1].Annotations[templateAnnotation] != hash {
		rev, err := c.createRevision(ctx, svc, len(revs)+1, hash)
		if err != nil {
			return err
		}
		revs = append(revs, *rev)
	}
	st := svc.Status.DeepCopy()
	st.LatestCreatedRevisionName = revs[len(revs)-1].Name
	ready := ""
	for i := range revs {
		if c.syncRevision(ctx, svc, &revs[i], st.LatestCreatedRevisionName, now) {
			ready = revs[i].Name
		}
		if err := c.writeRevision(ctx, &revs[i]); err != nil {
			return err
		}
	}
	c.serviceStatus(svc, st, ready)
	if equality.Semantic.DeepEqual(&svc.Status, st) {
		return nil
	}
	svc.Status = *st
	if err := c.Client.Status().Update(ctx, svc); err != nil {
		return fmt.Errorf("updating the status of Knative Service %s/%s: %w", svc.Namespace, svc.Name, err)
	}
	return nil
}

// serviceRevisions lists a Service's revisions, oldest first.
func (c *Controller) serviceRevisions(ctx context.Context, svc *knativev1.Service) ([]knativev1.Revision, error) {
	var list knativev1.RevisionList
	if err := c.Client.List(ctx, &list, client.InNamespace(svc.Namespace), client.MatchingLabels{serviceLabel: svc.Name}); err != nil {
		return nil, fmt.Errorf("listing the revisions of Knative Service %s/%s: %w", svc.Namespace, svc.Name, err)
	}
	revs := list.Items
	slices.SortFunc(revs, func(a, b knativev1.Revision) int { return compareNames(a.Name, b.Name) })
	return revs, nil
}

// compareNames orders <service>-00009 before <service>-00010.
func compareNames(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func templateHash(svc *knativev1.Service) string {
	return kube.Revision(&corev1.PodTemplateSpec{ObjectMeta: svc.Spec.Template.ObjectMeta, Spec: svc.Spec.Template.Spec.PodSpec})
}

func (c *Controller) createRevision(ctx context.Context, svc *knativev1.Service, n int, hash string) (*knativev1.Revision, error) {
	labels := map[string]string{serviceLabel: svc.Name}
	for k, v := range svc.Spec.Template.Labels {
		labels[k] = v
	}
	rev := &knativev1.Revision{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%05d", svc.Name, n), Namespace: svc.Namespace, Labels: labels,
			Annotations: map[string]string{templateAnnotation: hash}},
		Spec: *svc.Spec.Template.Spec.DeepCopy(),
	}
	if err := c.Client.Create(ctx, rev); err != nil {
		return nil, fmt.Errorf("creating revision %s/%s of Knative Service %s: %w", rev.Namespace, rev.Name, svc.Name, err)
	}
	return rev, nil
}

// revisionVersion is a revision's pods, known to overrides by the name of
// its role: the Service's for the latest revision, with -primary for the
// one Flagger pinned.
func (c *Controller) revisionVersion(svc *knativev1.Service, rev *knativev1.Revision, latest string) *Pods {
	role := rev.Name
	switch rev.Name {
	case latest:
		role = svc.Name
	case svc.Annotations[knativev1.PrimaryRevisionAnnotation]:
		role = svc.Name + "-primary"
	}
	return &Pods{key: workloadKey{"Revision", rev.Name}, role: role, Name: rev.Name, Image: image(&corev1.PodTemplateSpec{Spec: rev.Spec.PodSpec}),
		revision: rev.Annotations[templateAnnotation], replicas: 1}
}

// syncRevision sets a revision's Ready condition at now; it reports
// whether the revision is ready.
func (c *Controller) syncRevision(ctx context.Context, svc *knativev1.Service, rev *knativev1.Revision, latest string, now time.Time) bool {
	p := c.revisionVersion(svc, rev, latest)
	ready, since, b := c.state(p, c.track(p, now), now)
	cond := knativev1.Condition{Type: knativev1.ConditionReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.NewTime(since)}
	if !ready {
		cond.Status, cond.Reason, cond.Message = corev1.ConditionFalse, "RevisionMissing", b.Reason
		if b.Reason == "" {
			cond.Reason = "Deploying"
		}
	}
	if old := rev.Status.Condition(knativev1.ConditionReady); old != nil && old.Status == cond.Status {
		cond.LastTransitionTime = old.LastTransitionTime
	}
	rev.Status = knativev1.RevisionStatus{ObservedGeneration: rev.Generation, Conditions: []knativev1.Condition{cond}}
	return ready
}

func (c *Controller) writeRevision(ctx context.Context, rev *knativev1.Revision) error {
	var stored knativev1.Revision
	if err := c.Client.Get(ctx, client.ObjectKeyFromObject(rev), &stored); err != nil {
		return fmt.Errorf("reading revision %s/%s: %w", rev.Namespace, rev.Name, err)
	}
	if equality.Semantic.DeepEqual(stored.Status, rev.Status) {
		return nil
	}
	stored.Status = rev.Status
	if err := c.Client.Status().Update(ctx, &stored); err != nil {
		return fmt.Errorf("updating the status of revision %s/%s: %w", rev.Namespace, rev.Name, err)
	}
	return nil
}

// serviceStatus fills the Service's status: the latest ready revision and
// the traffic targets resolved (by default all traffic to the latest).
func (c *Controller) serviceStatus(svc *knativev1.Service, st *knativev1.ServiceStatus, ready string) {
	st.ObservedGeneration, st.LatestReadyRevisionName = svc.Generation, ready
	st.URL = fmt.Sprintf("http://%s.%s.svc.cluster.local", svc.Name, svc.Namespace)
	spec := svc.Spec.Traffic
	if len(spec) == 0 {
		hundred, latest := int64(100), true
		spec = []knativev1.TrafficTarget{{LatestRevision: &latest, Percent: &hundred}}
	}
	st.Traffic = make([]knativev1.TrafficTarget, len(spec))
	for i, t := range spec {
		t = *t.DeepCopy()
		latest := t.LatestRevision != nil && *t.LatestRevision
		if latest {
			t.RevisionName = ready
		}
		t.LatestRevision = &latest
		st.Traffic[i] = t
	}
	status := corev1.ConditionFalse
	if ready != "" {
		status = corev1.ConditionTrue
	}
	st.Conditions = []knativev1.Condition{{Type: knativev1.ConditionReady, Status: status}}
}

// servedLatest is the revision the latest-revision traffic goes to.
func servedLatest(svc *knativev1.Service) string {
	for _, t := range svc.Status.Traffic {
		if t.LatestRevision != nil && *t.LatestRevision && t.RevisionName != "" {
			return t.RevisionName
		}
	}
	if svc.Status.LatestReadyRevisionName != "" {
		return svc.Status.LatestReadyRevisionName
	}
	return svc.Status.LatestCreatedRevisionName
}

// revisionPods is one revision's pods; nil when it does not exist.
func (c *Controller) revisionPods(ctx context.Context, svc *knativev1.Service, name string) (*Pods, error) {
	if name == "" {
		return nil, nil
	}
	return lookup(ctx, c, svc.Namespace, name, func(rev *knativev1.Revision) *Pods {
		return c.revisionVersion(svc, rev, svc.Status.LatestCreatedRevisionName)
	})
}
