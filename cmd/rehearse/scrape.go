// This file is --scrape-interval, shared by the commands that rehearse
// scenarios: the flag, and how it overrides every scenario's own interval.

package main

import (
	"github.com/rehearse-dev/rehearse/internal/exit"

	"time"

	"github.com/spf13/pflag"

	"github.com/rehearse-dev/rehearse/scenarios"
)

// scrapeIntervalUsage describes --scrape-interval, shared by the commands
// that rehearse scenarios.
const scrapeIntervalUsage = "how often the synthetic Prometheus scrapes, in every scenario: set it to your Prometheus's (default: each scenario's spec.prometheus.scrapeInterval, else 5s, as Flagger's bundled Prometheus)"

// scrapeIntervalFlag registers --scrape-interval.
func scrapeIntervalFlag(fs *pflag.FlagSet) *time.Duration {
	return fs.Duration("scrape-interval", 0, scrapeIntervalUsage)
}

// applyScrapeInterval gives every scenario the --scrape-interval, when one
// was given, within the bounds a scenario file has.
func applyScrapeInterval(scs []*scenarios.Scenario, d time.Duration) error {
	switch {
	case d == 0:
		return nil
	case d < scenarios.MinScrapeInterval || d > scenarios.MaxScrapeInterval:
		return exit.BadInputf("--scrape-interval %v: use a duration from %v to %v", d, scenarios.MinScrapeInterval, scenarios.MaxScrapeInterval)
	}
	for _, sc := range scs {
		sc.Prometheus.ScrapeInterval = d
	}
	return nil
}
