package sim

import (
	"context"
	"sync"

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

// routerFor picks the router a provider has: none for kubernetes (Flagger's
// no-op router, whose weights follow the iterations), a mesh otherwise.
func routerFor(provider string) runner.Router {
	if provider == v1beta1.KubernetesProvider {
		return kube.NopRouter{}
	}
	return &meshRouter{}
}
