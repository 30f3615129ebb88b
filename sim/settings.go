// This file resolves a rehearsal's settings once: the scenario and the
// Options go in, one value comes out that the world and the report read.

package sim

import (
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/realtraffic"
)

// settings are one rehearsal's settings, resolved from the scenario and
// the Options in one place (settingsOf); nothing after it goes back to the
// Options or re-derives a setting from the scenario.
type settings struct {
	seed        int64                  // the traffic seed: --seed, else the scenario's
	choice      v1beta1.ProviderChoice // the mesh provider, and why that one
	provider    string                 // choice.Name
	strategy    string                 // canary, blue-green or ab-testing under the provider
	interval    time.Duration          // the analysis interval
	release     time.Time              // virtual time of the release
	scrapeEvery time.Duration          // how often the synthetic Prometheus scrapes
	real        *realtraffic.Config    // real traffic's settings; nil: modelled traffic
	inProcess   bool                   // query Prometheus and call hooks without a socket
	hookScale   float64                // how webhook latencies and timeouts shrink to wall time
	crashAfter  int                    // writes a controller killed by an engine-restart fault makes
}

// settingsOf resolves a rehearsal's settings.
func settingsOf(sc *scenarios.Scenario, opts Options) settings {
	cd := sc.Canary
	choice := cd.ProviderFor(opts.Provider)
	s := settings{seed: sc.Traffic.Seed, choice: choice, provider: choice.Name, strategy: cd.StrategyUnder(choice.Name),
		interval: cd.GetAnalysisInterval(), release: epoch.Add(sc.Release.At), scrapeEvery: scrapeIntervalOf(sc),
		hookScale: timeScale, crashAfter: 1}
	if opts.Seed != 0 {
		s.seed = opts.Seed
	}
	if opts.crashAfter != nil {
		s.crashAfter = *opts.crashAfter
	}
	if opts.Traffic != "real" {
		// In virtual time a loopback round trip is only waiting: it was
		// half the wall time of the library's run.
		s.inProcess = true
		return s
	}
	cfg := opts.Real
	s.real = &cfg
	if cfg.TimeScale > 0 {
		// Webhook latencies shrink as much as the run's clock.
		s.hookScale = cfg.TimeScale
	}
	return s
}
