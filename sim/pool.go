// This file keeps synthetic Prometheus servers for reuse across a
// session's rehearsals.

package sim

import (
	"fmt"
	"sync"

	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
)

// promPool keeps synthetic Prometheus servers for reuse: emptying one costs
// a fraction of starting one, and a sweep starts thousands of worlds. A run
// in virtual time never queries while it appends, so its servers go
// without isolation (see prom.Options.NoIsolation); a real-traffic run's
// scraper appends while the engine queries, so its servers keep it. The two
// kinds are kept apart.
type promPool struct {
	mu   sync.Mutex
	free map[bool][]*pooledProm // by NoIsolation
}

type pooledProm struct {
	srv         *prom.Server
	base        string
	noIsolation bool
}

// get returns an empty, started server; virtual says whether the run is in
// virtual time.
func (p *promPool) get(virtual bool) (*pooledProm, error) {
	p.mu.Lock()
	if free := p.free[virtual]; len(free) > 0 {
		x := free[len(free)-1]
		p.free[virtual] = free[:len(free)-1]
		p.mu.Unlock()
		return x, nil
	}
	p.mu.Unlock()
	srv, err := prom.New(prom.Options{NoIsolation: virtual})
	if err != nil {
		return nil, fmt.Errorf("starting the synthetic Prometheus: %w", err)
	}
	base, err := srv.Start()
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("starting the synthetic Prometheus: %w", err)
	}
	return &pooledProm{srv: srv, base: base, noIsolation: virtual}, nil
}

// put empties a server and keeps it, or closes it if it cannot be emptied.
func (p *promPool) put(x *pooledProm) error {
	if err := x.srv.Reset(); err != nil {
		return x.srv.Close()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.free == nil {
		p.free = map[bool][]*pooledProm{}
	}
	p.free[x.noIsolation] = append(p.free[x.noIsolation], x)
	return nil
}

func (p *promPool) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var first error
	for _, free := range p.free {
		for _, x := range free {
			if err := x.srv.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	p.free = nil
	return first
}
