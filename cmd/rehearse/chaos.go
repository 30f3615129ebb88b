package main

import (
	"github.com/rehearse-dev/rehearse/internal/exit"

	"context"
	"flag"
	"fmt"
	"io"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/chaos"
)

// chaosCommand replays scenarios under injected faults and reports which
// faults changed the outcome. It exits 1 only when the harness itself could
// not complete a replay: a changed outcome is a finding, not a failure.
func chaosCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := fs.String("faults", "random", "random (seeded draws of one to three faults) or catalogue (every kind of fault once)")
	seeds := fs.Int("seeds", 100, "with random faults: how many seeded fault sets per scenario")
	out := fs.String("out", "out/chaos", "folder for chaos.md and chaos.json")
	scrape := scrapeIntervalFlag(fs)
	if err := fs.Parse(args); err != nil {
		return exit.BadInput(err)
	}
	if fs.NArg() == 0 {
		return exit.BadInputf("rehearse chaos needs at least one scenario file or folder")
	}
	scs, err := scenarios.Load(fs.Args()...)
	if err != nil {
		return exit.BadInput(err)
	}
	if err := applyScrapeInterval(scs, *scrape); err != nil {
		return err
	}
	res, err := chaos.Run(ctx, scs, chaos.Options{Mode: *mode, Seeds: *seeds})
	if err != nil {
		return exit.BadInput(err)
	}
	if err := reports.WriteChaosAll(*out, res); err != nil {
		return fmt.Errorf("writing the chaos report to %s: %w", *out, err)
	}
	if err := reports.WriteChaosTable(stdout, res); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "chaos report written to %s/chaos.md\n", *out)
	if res.Errored() > 0 {
		return exit.Failed
	}
	return nil
}
