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
	cluster := fs.String("cluster", "memory", "where the rehearsal runs: memory (embedded), envtest (a real kube-apiserver and etcd) or kind (needs Docker)")
	seed := fs.Int64("seed", 0, "seed for traffic noise; 0 keeps each scenario's own seed")
	out := fs.String("out", "out", "folder for the reports")
	kubeconfig := fs.String("kubeconfig", "", "with envtest: write the API server's kubeconfig here")
	keep := fs.Bool("keep", false, "with envtest: keep the API server running after the run, until interrupted, for kubectl")
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
	opts := sim.Options{Cluster: *cluster, Seed: *seed, Kubeconfig: *kubeconfig}
	session, err := sim.Open(ctx, opts)
	if err != nil {
		return badInput("%v", err)
	}
	runs := session.RunAll(ctx, scs, opts)
	verdict := report(stdout, *out, runs)
	if *keep && session.Kubeconfig != "" {
		fmt.Fprintf(stdout, "the API server keeps running: KUBECONFIG=%s kubectl get canaries -A (Ctrl-C stops it)\n", session.Kubeconfig)
		<-ctx.Done()
	}
	if err := session.Close(); err != nil {
		fmt.Fprintf(stderr, "rehearse: stopping the cluster: %v\n", err)
	}
	return verdict
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
