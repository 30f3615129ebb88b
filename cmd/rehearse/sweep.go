// This file is `rehearse sweep` and `rehearse sweep merge`: the grid of
// Canary settings from --set, sharding, and writing or merging the
// sweep's reports.

package main

import (
	"errors"
	"github.com/rehearse-dev/rehearse/internal/exit"
	"github.com/rehearse-dev/rehearse/internal/gctune"
	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"

	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/sweep"
)

// setFlags collects repeated --set flags.
type setFlags []sweepreport.Axis

func (s *setFlags) String() string { return fmt.Sprint(*s) }

func (s *setFlags) Type() string { return "PATH=VALUES" }

func (s *setFlags) Set(v string) error {
	ax, err := sweep.ParseAxis(v)
	if err != nil {
		return err
	}
	*s = append(*s, ax)
	return nil
}

func sweepSetup(fs *pflag.FlagSet) action {
	var axes setFlags
	fs.Var(&axes, "set", "PATH=V1,V2 or PATH=FROM:TO:STEP: a Canary field to vary (repeatable), e.g. analysis.threshold=1,2,3")
	seeds := fs.Int("seeds", 100, "seeds per combination and scenario")
	shard := fs.String("shard", "", "i/n: run only shard i of n (merge the shards with rehearse sweep merge)")
	noiseSR := fs.Float64("noise-success-rate", -1, "standard deviation of the success rate, in points (default: each scenario's own)")
	noiseLat := fs.Float64("noise-latency", -1, "relative standard deviation of latency (default: each scenario's own)")
	maxFalse := fs.Float64("max-false-rollback", 0.05, "the false-rollback rate a recommended setting must stay under")
	out := fs.String("out", "out/sweep", "folder for sweep.csv, sweep.json and sweep.html")
	scrape := scrapeIntervalFlag(fs)
	wait := waitFlag(fs)
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		if len(args) == 0 {
			return exit.BadInputf("rehearse sweep needs scenario files: at least one that expects Failed (a bad release) and one that expects Succeeded")
		}
		opts, err := sweepOptions(axes, *seeds, *shard, *noiseSR, *noiseLat)
		if err != nil {
			return exit.BadInput(err)
		}
		scs, err := loadScenarios(args)
		if err != nil {
			return err
		}
		if err := applyScrapeInterval(scs, *scrape); err != nil {
			return err
		}
		if err := prepareRecordings(ctx, scs, ""); err != nil {
			return err
		}
		release, err := lockOut(ctx, *out, *wait)
		if err != nil {
			return err
		}
		defer release()
		gctune.LimitMemory() // so the peak stays flat however many seeds
		t := progressOf(ctx).start("sweep", "rehearsals", 0)
		opts.Progress = t.set
		res, err := sweep.Run(ctx, scs, opts)
		t.finish()
		if exit.IsInterrupted(err) {
			return writeInterrupted(stdout, *out, res, *maxFalse, err)
		}
		if err != nil {
			return exit.BadInput(err)
		}
		return writeSweep(stdout, *out, *res, *maxFalse)
	}
}

func sweepOptions(axes []sweepreport.Axis, seeds int, shard string, noiseSR, noiseLat float64) (sweep.Options, error) {
	opts := sweep.Options{Axes: axes, Seeds: seeds}
	if shard != "" {
		if _, err := fmt.Sscanf(shard, "%d/%d", &opts.Shard, &opts.Shards); err != nil || opts.Shards < 1 {
			return opts, fmt.Errorf("--shard %q: write i/n, e.g. 3/8", shard)
		}
	}
	if noiseSR >= 0 || noiseLat >= 0 {
		opts.Noise = &scenarios.Noise{SuccessRate: max(noiseSR, 0), Latency: max(noiseLat, 0)}
	}
	return opts, nil
}

// writeInterrupted writes what an interrupted sweep finished, marked so,
// and returns the interruption (exit 130); nothing finished writes nothing.
func writeInterrupted(stdout io.Writer, out string, res *sweepreport.Result, maxFalse float64, interrupted error) error {
	if res == nil || len(res.Samples) == 0 {
		return interrupted
	}
	return errors.Join(interrupted, writeSweep(stdout, out, *res, maxFalse))
}

func writeSweep(stdout io.Writer, out string, res sweepreport.Result, maxFalse float64) error {
	o := sweepreport.Options{MaxFalseRollback: maxFalse}
	if err := o.WriteAll(out, res); err != nil {
		return fmt.Errorf("writing the sweep to %s: %w", out, err)
	}
	if err := o.WriteTable(stdout, res); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sweep written to %s/ (sweep.html, sweep.csv, sweep.json)\n", out)
	return nil
}

// sweepCommand is `rehearse sweep` with its `merge` subcommand.
func sweepCommand() *cobra.Command {
	c := command("sweep [flags] SCENARIO...", "replay scenarios over a grid of Canary settings and many seeds", sweepLong, sweepSetup)
	c.AddCommand(command("merge [flags] SHARD/sweep.json...", "merge the shards of a sharded sweep into one report", mergeLong, mergeSetup))
	return c
}

// mergeSetup is `rehearse sweep merge`: it merges the sweep.json files of a
// sharded sweep.
func mergeSetup(fs *pflag.FlagSet) action {
	out := fs.String("out", "out/sweep", "folder for the merged sweep")
	maxFalse := fs.Float64("max-false-rollback", 0.05, "the false-rollback rate a recommended setting must stay under")
	wait := waitFlag(fs)
	return func(ctx context.Context, args []string, stdout, _ io.Writer) error {
		var parts []sweepreport.Result
		for _, path := range args {
			p, err := readSweep(path)
			if err != nil {
				return exit.BadInput(err)
			}
			parts = append(parts, p)
		}
		if len(parts) == 0 {
			return exit.BadInputf("rehearse sweep merge needs the sweep.json of every shard")
		}
		merged, err := sweepreport.Merge(parts)
		if err != nil {
			return exit.BadInput(err)
		}
		release, err := lockOut(ctx, *out, *wait)
		if err != nil {
			return err
		}
		defer release()
		return writeSweep(stdout, *out, merged, *maxFalse)
	}
}

func readSweep(path string) (sweepreport.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return sweepreport.Result{}, err
	}
	defer f.Close()
	res, err := sweepreport.ReadJSON(f)
	if err != nil {
		return res, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}
