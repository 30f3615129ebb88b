// This file rolls out a Knative Service target as Flagger does (revisions as primary and canary, an
// annotation naming the primary), and is the knative router over the Service's traffic targets.

package kube

import (
	"context"
	"fmt"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// knativeServices rolls out a Knative Service target, as Flagger's
// KnativeController: there is no primary object. The Service's latest
// created revision is the canary; the revision named in the Service's
// flagger.app/primary-revision annotation is the primary; promotion moves
// the annotation. Knative scales revisions itself, so scaling does nothing,
// and Flagger tracks no configs for it.
type knativeServices struct{ c *Cluster }

// observe reads the Service and its two revisions. A revision that is not
// ready is retried for ever, as Flagger's IsCanaryReady never gives up on
// one: no deadline bounds it.
func (k knativeServices) observe(ctx context.Context, cd *v1beta1.Canary, _ time.Time) (target, primary engine.Workload, err error) {
	svc, found, err := k.service(ctx, cd)
	if err != nil || !found {
		return target, primary, err
	}
	latest := svc.Status.LatestCreatedRevisionName
	if target, err = k.revision(ctx, cd.Namespace, latest); err != nil {
		return target, primary, err
	}
	target.Exists = true
	name, ok := svc.Annotations[knativev1.PrimaryRevisionAnnotation]
	if !ok {
		return target, primary, nil
	}
	primary, err = k.revision(ctx, cd.Namespace, name)
	primary.Exists = true
	return target, primary, err
}

func (k knativeServices) service(ctx context.Context, cd *v1beta1.Canary) (*knativev1.Service, bool, error) {
	var svc knativev1.Service
	found, err := k.c.get(ctx, cd.Namespace, cd.Spec.TargetRef.Name, &svc)
	return &svc, found, err
}

// revision reads one revision's readiness; its name is its identity (the
// hash Flagger records as lastAppliedSpec).
func (k knativeServices) revision(ctx context.Context, ns, name string) (engine.Workload, error) {
	w := engine.Workload{Revision: hashBytes([]byte(name))}
	if name == "" {
		w.Readiness, w.Message = engine.NotReady, "Knative has created no revision yet"
		return w, nil
	}
	var rev knativev1.Revision
	found, err := k.c.get(ctx, ns, name, &rev)
	switch {
	case err != nil:
		return w, err
	case !found:
		w.Readiness, w.Message = engine.NotReady, fmt.Sprintf("Knative Revision %s.%s get query error: not found", name, ns)
	case !rev.IsReady():
		w.Readiness, w.Message = engine.NotReady, fmt.Sprintf("Knative Revision %s.%s is not ready", name, ns)
	}
	return w, nil
}

// initialize points the annotation and the traffic at the latest created
// revision, all of it on the primary, while the Canary is first seen.
func (k knativeServices) initialize(ctx context.Context, cd *v1beta1.Canary) error {
	if cd.Status.Phase != "" && cd.Status.Phase != v1beta1.CanaryPhaseInitializing {
		return nil
	}
	return k.update(ctx, cd, func(svc *knativev1.Service) error {
		latest := svc.Status.LatestCreatedRevisionName
		if latest == "" {
			return fmt.Errorf("Knative Service %s.%s has no revision yet: Flagger waits for Knative to create one", svc.Name, svc.Namespace)
		}
		setAnnotation(svc, latest)
		svc.Spec.Traffic = trafficTargets(latest, 100, 0)
		return nil
	})
}

// promote makes the latest created revision the primary.
func (k knativeServices) promote(ctx context.Context, cd *v1beta1.Canary) error {
	return k.update(ctx, cd, func(svc *knativev1.Service) error {
		setAnnotation(svc, svc.Status.LatestCreatedRevisionName)
		return nil
	})
}

func (knativeServices) scaleToZero(context.Context, *v1beta1.Canary) error   { return nil }
func (knativeServices) scaleFromZero(context.Context, *v1beta1.Canary) error { return nil }

func (k knativeServices) update(ctx context.Context, cd *v1beta1.Canary, edit func(*knativev1.Service) error) error {
	return updateKnative(ctx, k.c.Client, cd, edit)
}

func updateKnative(ctx context.Context, c client.Client, cd *v1beta1.Canary, edit func(*knativev1.Service) error) error {
	var svc knativev1.Service
	key := client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.TargetRef.Name}
	if err := c.Get(ctx, key, &svc); err != nil {
		return fmt.Errorf("reading Knative Service %s: %w", key, err)
	}
	if err := edit(&svc); err != nil {
		return err
	}
	if err := c.Update(ctx, &svc); err != nil {
		return fmt.Errorf("updating Knative Service %s: %w", key, err)
	}
	return nil
}

func setAnnotation(svc *knativev1.Service, revision string) {
	if svc.Annotations == nil {
		svc.Annotations = map[string]string{}
	}
	svc.Annotations[knativev1.PrimaryRevisionAnnotation] = revision
}

// trafficTargets is the split Flagger writes: the latest revision (the
// canary) first, then the primary revision by name.
func trafficTargets(primary string, primaryPercent, canaryPercent int64) []knativev1.TrafficTarget {
	latest := true
	return []knativev1.TrafficTarget{
		{LatestRevision: &latest, Percent: &canaryPercent},
		{RevisionName: primary, Percent: &primaryPercent},
	}
}

// KnativeRouter is the knative provider's router, as Flagger's: the
// Service's own traffic targets split requests between the primary
// revision and the latest one.
type KnativeRouter struct {
	Client client.Client
}

// SetRoutes writes the split.
func (r KnativeRouter) SetRoutes(ctx context.Context, cd *v1beta1.Canary, routes engine.Routes) error {
	return updateKnative(ctx, r.Client, cd, func(svc *knativev1.Service) error {
		primary, ok := svc.Annotations[knativev1.PrimaryRevisionAnnotation]
		if !ok {
			return fmt.Errorf("Knative Service %s.%s annotation not found", svc.Name, svc.Namespace)
		}
		svc.Spec.Traffic = trafficTargets(primary, int64(routes.Primary), int64(routes.Canary))
		return nil
	})
}

// Routes reads the split Knative serves: the status's traffic targets once
// Knative has caught up with the spec, the spec's until then. A Service
// Flagger has not initialized (no annotation, or no split written yet)
// sends everything to what will be its primary. When the
// primary is also the latest revision (after initialization or a
// promotion), Flagger's GetRoutes reads the latest-revision entry for both
// and reports 0/0; rehearse reads the pinned entry for the primary, which
// is the split users' requests see.
func (r KnativeRouter) Routes(ctx context.Context, cd *v1beta1.Canary) (engine.Routes, error) {
	var svc knativev1.Service
	if err := r.Client.Get(ctx, client.ObjectKey{Namespace: cd.Namespace, Name: cd.Spec.TargetRef.Name}, &svc); err != nil {
		return engine.Routes{}, fmt.Errorf("reading Knative Service %s.%s: %w", cd.Spec.TargetRef.Name, cd.Namespace, err)
	}
	primary, ok := svc.Annotations[knativev1.PrimaryRevisionAnnotation]
	if !ok || len(svc.Spec.Traffic) == 0 {
		return engine.Routes{Primary: v1beta1.TotalWeight}, nil
	}
	traffic := svc.Status.Traffic
	if svc.Status.ObservedGeneration < svc.Generation {
		traffic = svc.Spec.Traffic
	}
	return splitOf(traffic, primary, svc.Name, svc.Namespace)
}

// splitOf finds the latest-revision target (the canary) and the target of
// the primary revision: a pinned one when there is one, else, as Flagger's
// GetRoutes reads it, whichever target resolves to that revision (right
// after a promotion, the latest-revision one).
func splitOf(traffic []knativev1.TrafficTarget, primary, name, ns string) (engine.Routes, error) {
	canaryIdx, primaryIdx, anyIdx := -1, -1, -1
	for i, t := range traffic {
		latest := t.LatestRevision != nil && *t.LatestRevision
		if latest && canaryIdx < 0 {
			canaryIdx = i
		}
		if t.RevisionName == primary && anyIdx < 0 {
			anyIdx = i
		}
		if t.RevisionName == primary && !latest && primaryIdx < 0 {
			primaryIdx = i
		}
	}
	if primaryIdx < 0 {
		primaryIdx = anyIdx
	}
	if canaryIdx < 0 || primaryIdx < 0 {
		return engine.Routes{}, fmt.Errorf("Knative Service %s.%s traffic spec invalid: Flagger needs a latestRevision target and one for revision %s", name, ns, primary)
	}
	return engine.Routes{Primary: percent(traffic[primaryIdx].Percent), Canary: percent(traffic[canaryIdx].Percent)}, nil
}

func percent(p *int64) int {
	if p == nil {
		return 0
	}
	return int(*p)
}
