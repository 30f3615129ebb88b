// This file writes a Knative Service's per-revision series, as the knative
// provider's queries read them.

package sim

import (
	"fmt"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/sim/backend/memory"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// revisionFeed writes a Knative Service's series revision by revision:
// Flagger queries the latest created revision by its name (the knative
// provider's route), and a revision keeps its series, and its counters,
// whichever role it plays as promotions move the primary.
type revisionFeed struct {
	provider string
	model    v1beta1.MetricTemplateModel
	gens     map[string]*traffic.Generator
}

// generator is a revision's: the knative series of a model whose route is
// the revision's name, labelled as the canary's (which the knative family
// labels by the route alone).
func (f *revisionFeed) generator(revision string) (*traffic.Generator, error) {
	if g, ok := f.gens[revision]; ok {
		return g, nil
	}
	m := f.model
	m.Route = revision
	g, err := traffic.NewGenerator(f.provider, m, traffic.Canary, "Service")
	if err != nil {
		return nil, fmt.Errorf("traffic model for revision %s: %w", revision, err)
	}
	f.gens[revision] = g
	return g, nil
}

// emit writes one scrape: each role's requests under its revision, summed
// when both roles are the same revision (after initialization or a
// promotion, or while the new revision is not ready and Knative still
// sends the latest-revision traffic to the old one).
func (f *revisionFeed) emit(app traffic.Appender, pods [2]*memory.Pods, ivs [2]traffic.Interval, t time.Time, staleCanary bool) error {
	byRevision := map[string]traffic.Interval{}
	var order []string
	for _, role := range []traffic.Role{traffic.Primary, traffic.Canary} {
		p := pods[role]
		if p == nil || (role == traffic.Canary && staleCanary) {
			continue
		}
		sum, seen := byRevision[p.Name]
		if !seen {
			order = append(order, p.Name)
			sum.Latency = ivs[role].Latency
		}
		sum.Requests += ivs[role].Requests
		sum.Errors += ivs[role].Errors
		if ivs[role].Requests > 0 {
			sum.Latency = ivs[role].Latency
		}
		byRevision[p.Name] = sum
	}
	for _, rev := range order {
		g, err := f.generator(rev)
		if err != nil {
			return err
		}
		if err := g.Emit(app, t.UnixMilli(), byRevision[rev]); err != nil {
			return fmt.Errorf("writing samples: %w", err)
		}
	}
	return nil
}
