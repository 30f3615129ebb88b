package sim

import (
	"context"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
)

// trafficModel is how the world's requests happen: samples modelled from
// the engine's weights in virtual time (the default), or real HTTP load
// scraped in wall-clock time (--traffic real).
type trafficModel interface {
	// Advance brings the traffic, and what Prometheus holds, up to now.
	Advance(ctx context.Context, now time.Time) error
	// AfterTick reacts to what tick n did (load tests its hooks started)
	// and returns notes for the report.
	AfterTick(ctx context.Context, n int, now time.Time) []string
	// Exposure is what the new version served since the release.
	Exposure() *reports.Exposure
	// Close stops whatever the model runs.
	Close() error
}

// virtualTraffic writes the samples a traffic model generates from the
// weights the engine set, and models hey load tests from their flags.
type virtualTraffic struct{ w *world }

func (v virtualTraffic) Advance(ctx context.Context, now time.Time) error { return v.w.feed(ctx, now) }

func (v virtualTraffic) AfterTick(context.Context, int, time.Time) []string { return v.w.ingestLoads() }

func (v virtualTraffic) Exposure() *reports.Exposure {
	e := v.w.feeder.exposure
	return &e
}

func (v virtualTraffic) Close() error { return nil }

// noTraffic is the traffic of a scripted scenario: none, the script
// answers the metrics.
type noTraffic struct{}

func (noTraffic) Advance(context.Context, time.Time) error           { return nil }
func (noTraffic) AfterTick(context.Context, int, time.Time) []string { return nil }
func (noTraffic) Exposure() *reports.Exposure                        { return nil }
func (noTraffic) Close() error                                       { return nil }
