package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
)

func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cluster := fs.String("cluster", "memory", "where the rehearsal runs: memory (embedded)")
	seed := fs.Int64("seed", 0, "seed for traffic noise; 0 keeps each scenario's own seed")
	out := fs.String("out", "out", "folder for the reports")
	if err := fs.Parse(args); err != nil {
		return badInput("%v", err)
	}
	if fs.NArg() == 0 {
		return badInput("rehearse run needs at least one scenario file or folder")
	}
	scs, err := scenarios.Load(fs.Args()...)
	if err != nil {
		return badInput("%v", err)
	}
	runs, err := sim.RunAll(ctx, scs, sim.Options{Cluster: *cluster, Seed: *seed})
	if err != nil {
		return badInput("%v", err)
	}
	return report(stdout, *out, runs)
}

// report writes every report and the terminal table, and turns the verdict
// into the exit status.
func report(stdout io.Writer, out string, runs []*reports.Run) error {
	if err := reports.WriteAll(out, runs); err != nil {
		return fmt.Errorf("writing reports to %s: %w", out, err)
	}
	if err := reports.WriteTable(stdout, runs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reports written to %s/\n", out)
	for _, r := range runs {
		if !r.Passed {
			return errFailed
		}
	}
	return nil
}
