// This file is `rehearse chaos`: its flags, and replays under injected
// faults whose changed outcomes are findings, not a failed exit.

package main

import (
	"github.com/rehearse-dev/rehearse/internal/exit"
	chaosreport "github.com/rehearse-dev/rehearse/reports/chaos"

	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/rehearse-dev/rehearse/sim/chaos"
)

// chaosCommand replays scenarios under injected faults and reports which
// faults changed the outcome. It exits 1 only when the harness itself could
// not complete a replay: a changed outcome is a finding, not a failure.
func chaosSetup(fs *pflag.FlagSet) action {
	mode := fs.String("faults", "random", "random (seeded draws of one to three faults) or catalogue (every kind of fault once)")
	seeds := fs.Int("seeds", 100, "with random faults: how many seeded fault sets per scenario")
	out := fs.String("out", "out/chaos", "folder for chaos.md and chaos.json")
	scrape := scrapeIntervalFlag(fs)
	wait := waitFlag(fs)
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		if len(args) == 0 {
			return exit.BadInputf("rehearse chaos needs at least one scenario file or folder")
		}
		scs, err := loadScenarios(args)
		if err != nil {
			return err
		}
		if err := applyScrapeInterval(scs, *scrape); err != nil {
			return err
		}
		release, err := lockOut(ctx, *out, *wait)
		if err != nil {
			return err
		}
		defer release()
		t := progressOf(ctx).start("chaos", "faulty replays", 0)
		res, err := chaos.Run(ctx, scs, chaos.Options{Mode: *mode, Seeds: *seeds, Progress: t.set})
		t.finish()
		if err != nil {
			return exit.BadInput(err)
		}
		if err := chaosreport.WriteAll(*out, res); err != nil {
			return fmt.Errorf("writing the chaos report to %s: %w", *out, err)
		}
		if err := chaosreport.WriteTable(stdout, res); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "chaos report written to %s/chaos.md\n", *out)
		if res.Errored() > 0 {
			return exit.Failed
		}
		return nil
	}
}
