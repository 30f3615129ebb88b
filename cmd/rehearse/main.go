// Command rehearse replays progressive-delivery scenarios against a
// Flagger-compatible engine and says whether each release would be promoted
// or rolled back, when, and why.
//
// Exit status: 0 when every expectation holds, 1 when one fails, 2 on bad
// input (a malformed scenario or manifest, an unknown flag), 3 when the
// environment cannot run it (no Docker engine for --cluster kind, a
// Prometheus to backtest from that cannot be reached).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/rehearse-dev/rehearse/internal/exit"
)

// Exit statuses, as CI reads them: the contract lives in internal/exit.
const (
	exitOK       = exit.CodeOK
	exitFailed   = exit.CodeFailed
	exitBadInput = exit.CodeBadInput
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// commands maps a subcommand to its implementation.
var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"run":        runCommand,
	"lint":       lintCommand,
	"sweep":      sweepCommand,
	"validate":   validateCommand,
	"chaos":      chaosCommand,
	"backtest":   backtestCommand,
	"controller": controllerCommand,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitBadInput
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "rehearse: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitBadInput
	}
	return exitCode(cmd(ctx, args[1:], stdout, stderr), stderr)
}

// exitCode is err's exit status; every error but the verdict itself is
// also said on stderr.
func exitCode(err error, stderr io.Writer) int {
	code := exit.Code(err)
	if code != exitOK && code != exitFailed {
		fmt.Fprintf(stderr, "rehearse: %v\n", err)
	}
	return code
}

func usage(w io.Writer) {
	fmt.Fprint(w, `rehearse: rehearse a Flagger release before it happens.

Usage:
  rehearse run [--cluster memory|envtest|kind] [--seed N] [--out DIR] PATH...
      Replay scenario files (or folders of them) and write reports to DIR
      (default out/): DIR/<scenario>/report.{json,md}, DIR/junit.xml, DIR/summary.md.

  rehearse lint [--format text|github|json] [--rules] PATH...
      Check Canary and MetricTemplate manifests for what Flagger only finds
      out during a rollout (a misnamed metric, a template that does not
      render, a canary that can never promote...).

  rehearse validate [--out DIR] [--scenarios PATH]... [--max-rollback-time 10m] [--max-promotion-time D]
                    [--format text|github] [--cluster memory|envtest] [--provider P] MANIFESTS...
      Rehearse every Canary in your manifests under the built-in policies (bad,
      slow and good release, failing pre-rollout hook); reports in DIR (default out/).

  rehearse sweep [--set PATH=VALUES]... [--seeds N] [--shard i/n] [--out DIR] SCENARIO...
      Replay scenarios over a grid of Canary settings and many seeds: detection
      and false-rollback rates with confidence intervals, time to decision,
      blast radius; sweep.html, sweep.csv, sweep.json in DIR.
  rehearse sweep merge [--out DIR] SHARD/sweep.json...
      Merge the shards of a sharded sweep into one report.

  rehearse chaos [--faults random|catalogue] [--seeds N] [--out DIR] SCENARIO...
      Replay scenarios under injected faults (Prometheus, webhooks, the
      Kubernetes API, workloads, a controller restart) and report which faults
      changed the outcome, and why.

  rehearse backtest --recording TSDB|FILE|URL --canary SEL [--primary SEL] [--from T] [--to T]
                    [--step D] [--release T] [--set PATH=VALUE]... [--expect rolled-back|promoted]
                    [--out DIR] MANIFESTS...
  rehearse backtest [--expect ...] [--out DIR] SCENARIO...
      Replay your Canary's analysis over metrics recorded during a real release
      (a TSDB snapshot, an OpenMetrics file, a live Prometheus): would it have
      rolled back, when, and with how much traffic on the release?
      backtest.{md,html,json} with charts in DIR/<name>/ (default out/backtest).

  rehearse controller [--kubeconfig FILE] [--metrics-server URL] [--mesh-provider P]
      Run the engine as a progressive-delivery controller against a real cluster.

Exit status: 0 every expectation held (lint: no error finding), 1 one failed,
2 bad input, 3 the environment cannot run it (no Docker engine for --cluster kind,
a Prometheus to backtest from that cannot be reached).
`)
}
