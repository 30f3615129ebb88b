// This file is `rehearse run`: its flags, the session on the chosen
// cluster and traffic, and the reports and exit status of its rehearsals.

package main

import (
	"github.com/rehearse-dev/rehearse/internal/exit"

	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
	"github.com/rehearse-dev/rehearse/sim/realtraffic"
)

func runSetup(fs *pflag.FlagSet) action {
	cluster := fs.String("cluster", "memory", "where the rehearsal runs: memory (embedded), envtest (a real kube-apiserver and etcd) or kind (needs Docker)")
	seed := fs.Int64("seed", 0, "seed for traffic noise; 0 keeps each scenario's own seed")
	out := fs.String("out", "out", "folder for the reports")
	kubeconfig := fs.String("kubeconfig", "", "with envtest: write the API server's kubeconfig here")
	keep := fs.Bool("keep", false, "with envtest: keep the API server running after the run, until interrupted, for kubectl; with kind: leave the cluster running")
	kindCluster := fs.String("kind-cluster", "", "with kind: the cluster to create, or to reuse when it exists (default rehearse); a reused cluster is never deleted")
	kindImage := fs.String("kind-image", os.Getenv("REHEARSE_KIND_IMAGE"), "with kind: the node image of a new cluster (default $REHEARSE_KIND_IMAGE, else kind's own)")
	trafficMode := fs.String("traffic", "virtual", "virtual (modelled samples, fast) or real (HTTP load through a weighted proxy, scraped, in wall-clock time)")
	timeScale := fs.Float64("time-scale", realtraffic.DefaultTimeScale, "with --traffic real: wall time per virtual time (0.05 plays a 1m interval in 3s)")
	provider := fs.String("provider", "", "mesh provider of Canaries that name none, as your Flagger install's -mesh-provider flag sets it (default: istio, Flagger's default)")
	scrape := scrapeIntervalFlag(fs)
	wait := waitFlag(fs)
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		if err := manifest.CheckProvider(*provider); err != nil {
			return exit.BadInputf("rehearse run: --provider: %w", err)
		}
		if len(args) == 0 {
			return exit.BadInputf("rehearse run needs at least one scenario file or folder")
		}
		scs, err := loadScenarios(args)
		if err != nil {
			return err
		}
		if err := applyScrapeInterval(scs, *scrape); err != nil {
			return err
		}
		if err := prepareRecordings(ctx, scs, *provider); err != nil {
			return err
		}
		if *trafficMode != "virtual" && *trafficMode != "real" {
			return exit.BadInputf("--traffic %q: use virtual or real", *trafficMode)
		}
		// sim.Real takes 0.001 to 10; written so that NaN fails it too.
		if !(*timeScale >= 0.001 && *timeScale <= 10) {
			return exit.BadInputf("--time-scale %v: use a number from 0.001 to 10 (wall time per virtual time: 0.05 plays a 1m interval in 3s)", *timeScale)
		}
		if *trafficMode == "real" {
			if err := realtraffic.Check(scs); err != nil {
				return exit.BadInput(err)
			}
		}
		opts := sim.Options{Cluster: *cluster, Seed: *seed, Kubeconfig: *kubeconfig, Provider: *provider,
			Traffic: *trafficMode, Real: realtraffic.Config{TimeScale: *timeScale},
			KindCluster: *kindCluster, KindImage: *kindImage, KeepCluster: *keep && *cluster == "kind"}
		release, err := lockOut(ctx, *out, *wait)
		if err != nil {
			return err
		}
		defer release()
		session, err := openSession(ctx, opts)
		if err != nil {
			return err // sim.Open says whose problem it is: the flag's (2) or the machine's (3)
		}
		runs := runAll(ctx, session, scs, opts)
		verdict := report(stdout, *out, runs)
		if *keep && *cluster == "kind" {
			fmt.Fprintf(stdout, "the kind cluster keeps running: KUBECONFIG=%s kubectl get canaries -A\n", session.Kubeconfig)
		} else if *keep && session.Kubeconfig != "" {
			fmt.Fprintf(stdout, "the API server keeps running: KUBECONFIG=%s kubectl get canaries -A (Ctrl-C stops it)\n", session.Kubeconfig)
			<-ctx.Done()
		}
		if err := session.Close(); err != nil {
			fmt.Fprintf(stderr, "rehearse: stopping the cluster: %v\n", err)
		}
		return verdict
	}
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
		if reports.Failed(r) {
			return exit.Failed
		}
	}
	return nil
}

// openSession starts the backend, showing progress while a real cluster
// comes up (envtest takes seconds, a new kind cluster minutes).
func openSession(ctx context.Context, opts sim.Options) (*sim.Session, error) {
	label := map[string]string{
		"envtest": "starting envtest (kube-apiserver and etcd)",
		"kind":    "starting the kind cluster (creating one takes a minute or two)",
	}[opts.Cluster]
	if label == "" {
		return sim.Open(ctx, opts)
	}
	t := progressOf(ctx).start(label, "", 0)
	defer t.finish()
	return sim.Open(ctx, opts)
}

// runAll rehearses the scenarios; real traffic shows each tick's virtual
// and wall time and the requests sent, as it plays in wall-clock time.
func runAll(ctx context.Context, session *sim.Session, scs []*scenarios.Scenario, opts sim.Options) []*reports.Run {
	if opts.Traffic == "real" {
		if t := progressOf(ctx).start("real traffic", "", 0); t != nil {
			opts.Real.Progress = t
			defer t.finish()
		}
	}
	return session.RunAll(ctx, scs, opts)
}
