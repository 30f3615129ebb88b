// This file is the mesh's router in the world: the weights a provider's
// routing objects would hold.

package sim

import (
	"context"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/kube"
	"github.com/rehearse-dev/rehearse/engine/runner"
)

// meshRouter stands in for a service mesh or ingress: it holds the weights
// the engine sets, starting with all traffic on the primary.
type meshRouter struct {
	mu     sync.Mutex
	routes engine.Routes
	set    bool
}

func (m *meshRouter) Routes(context.Context, *v1beta1.Canary) (engine.Routes, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.set {
		return engine.Routes{Primary: v1beta1.TotalWeight}, nil
	}
	return m.routes, nil
}

func (m *meshRouter) SetRoutes(_ context.Context, _ *v1beta1.Canary, r engine.Routes) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.routes, m.set = r, true
	return nil
}

// routerFor picks the router a provider has: the routing objects a real
// cluster holds where rehearse can write them (none for kubernetes, whose
// weights follow the iterations; HTTPRoutes for the Gateway API), a
// simulated mesh otherwise.
func routerFor(provider string, c client.Client) runner.Router {
	if r, ok := kube.RouterFor(provider, c); ok {
		return r
	}
	return &meshRouter{}
}
