// This file is the kubernetes provider's router: no weighted routing, the weights derived from the
// Canary's status as Flagger's NopRouter reports them.

package kube

import (
	"context"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// NopRouter is the kubernetes provider's router: there is no weighted
// routing, and Flagger reports all traffic on the canary once iterations
// have started, all on the primary otherwise.
type NopRouter struct{}

// Routes derives the weights from the status, as Flagger's NopRouter does.
func (NopRouter) Routes(_ context.Context, cd *v1beta1.Canary) (engine.Routes, error) {
	if cd.Status.Iterations > 0 {
		return engine.Routes{Canary: v1beta1.TotalWeight}, nil
	}
	return engine.Routes{Primary: v1beta1.TotalWeight}, nil
}

// SetRoutes does nothing: the apex service always selects the primary.
func (NopRouter) SetRoutes(context.Context, *v1beta1.Canary, engine.Routes) error { return nil }
