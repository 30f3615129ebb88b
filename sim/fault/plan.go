// This file is the Plan: which of a scenario's faults are in force at a
// virtual time, drawn from a seeded source, and which ones took effect.

package fault

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/rehearse-dev/rehearse/scenarios"
)

// Plan decides which of a scenario's faults are in force, when, and on
// which calls. A nil Plan has no faults.
type Plan struct {
	mu     sync.Mutex
	faults []scenarios.Fault
	rng    *rand.Rand
	flaps  map[string]int // calls seen per flapping hook
	hit    map[int]bool   // faults that took effect at least once
	epoch  time.Time      // the virtual time faults count from
	prom   string         // the kind of Prometheus fault in force this tick; "" when none
	reborn map[int]bool   // engine restarts that happened
}

// New plans faults that count their times from epoch, drawing from seed;
// nil when there are none.
func New(faults []scenarios.Fault, seed int64, epoch time.Time) *Plan {
	if len(faults) == 0 {
		return nil
	}
	return &Plan{faults: faults, rng: rand.New(rand.NewPCG(uint64(seed), 0xc4a05)), epoch: epoch,
		flaps: map[string]int{}, hit: map[int]bool{}, reborn: map[int]bool{}}
}

// active returns the first fault of target in force at now that fires on
// this call, and whether there is one.
func (p *Plan) active(target scenarios.FaultTarget, now time.Time, match func(scenarios.Fault) bool) (scenarios.Fault, bool) {
	if p == nil {
		return scenarios.Fault{}, false
	}
	t := now.Sub(p.epoch)
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, f := range p.faults {
		if f.Target != target || !f.ActiveAt(t) || (match != nil && !match(f)) {
			continue
		}
		if f.Probability < 1 && p.rng.Float64() >= f.Probability {
			continue
		}
		p.hit[i] = true
		return f, true
	}
	return scenarios.Fault{}, false
}

// has says whether any fault aims at target.
func (p *Plan) has(target scenarios.FaultTarget) bool {
	if p == nil {
		return false
	}
	for _, f := range p.faults {
		if f.Target == target {
			return true
		}
	}
	return false
}

// flap says whether this call of a flapping hook fails: every other one.
func (p *Plan) flap(hook string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flaps[hook]++
	return p.flaps[hook]%2 == 1
}

// RestartDue says whether an engine-restart fault fires at now: each one
// once.
func (p *Plan) RestartDue(now time.Time) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, f := range p.faults {
		if f.Target != scenarios.FaultEngine || p.reborn[i] || p.epoch.Add(f.At).After(now) {
			continue
		}
		p.reborn[i] = true
		p.hit[i] = true
		return true
	}
	return false
}

// Taken lists the faults that took effect, for the report's notes.
func (p *Plan) Taken() []scenarios.Fault {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []scenarios.Fault
	for i, f := range p.faults {
		if p.hit[i] {
			out = append(out, f)
		}
	}
	return out
}
