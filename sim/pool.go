package sim

import (
	"fmt"
	"sync"

	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
)

// promPool keeps synthetic Prometheus servers for reuse: emptying one costs
// a fraction of starting one, and a sweep starts thousands of worlds.
type promPool struct {
	mu   sync.Mutex
	free []*pooledProm
}

type pooledProm struct {
	srv  *prom.Server
	base string
}

// get returns an empty, started server.
func (p *promPool) get() (*pooledProm, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		x := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return x, nil
	}
	p.mu.Unlock()
	srv, err := prom.New(prom.Options{})
	if err != nil {
		return nil, fmt.Errorf("starting the synthetic Prometheus: %w", err)
	}
	base, err := srv.Start()
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("starting the synthetic Prometheus: %w", err)
	}
	return &pooledProm{srv: srv, base: base}, nil
}

// put empties a server and keeps it, or closes it if it cannot be emptied.
func (p *promPool) put(x *pooledProm) error {
	if err := x.srv.Reset(); err != nil {
		return x.srv.Close()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, x)
	return nil
}

func (p *promPool) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var first error
	for _, x := range p.free {
		if err := x.srv.Close(); err != nil && first == nil {
			first = err
		}
	}
	p.free = nil
	return first
}
