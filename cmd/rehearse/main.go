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
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
)

// Exit statuses, as CI reads them.
const (
	exitOK       = 0
	exitFailed   = 1
	exitBadInput = 2
	exitNoEnv    = 3
)

// errBadInput marks errors that are the user's input, not the rehearsal's verdict.
var errBadInput = errors.New("bad input")

// inputError is an error in the user's input: it reads as its cause and
// matches errBadInput, so the exit status is 2.
type inputError struct{ error }

func (inputError) Is(target error) bool { return target == errBadInput }

func (e inputError) Unwrap() error { return e.error }

// badInput words an input error for the user.
func badInput(format string, args ...any) error {
	return inputError{fmt.Errorf(format, args...)}
}

// errEnvironment marks errors of the machine, not of the input: a cluster
// backend that cannot start here.
var errEnvironment = errors.New("environment cannot run it")

// envError reads as its cause and matches errEnvironment (exit status 3).
type envError struct{ error }

func (envError) Is(target error) bool { return target == errEnvironment }

func (e envError) Unwrap() error { return e.error }

func environmentError(err error) error { return envError{err} }

// errFailed marks a rehearsal whose expectations did not hold.
var errFailed = errors.New("expectations failed")

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

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFailed):
		return exitFailed
	case errors.Is(err, errBadInput):
		fmt.Fprintf(stderr, "rehearse: %v\n", err)
		return exitBadInput
	case errors.Is(err, errEnvironment):
		fmt.Fprintf(stderr, "rehearse: %v\n", err)
		return exitNoEnv
	default:
		fmt.Fprintf(stderr, "rehearse: %v\n", err)
		return exitBadInput
	}
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
