// Command rehearse replays progressive-delivery scenarios against a
// Flagger-compatible engine and says whether each release would be promoted
// or rolled back, when, and why.
//
// Exit status follows internal/exit: 0 when every expectation holds, 1 when
// one fails, 2 on bad input (a malformed scenario or manifest, an unknown
// flag, nothing to check), 3 when the environment cannot run it (no Docker
// engine for --cluster kind, no envtest binaries, a Prometheus to backtest
// from that cannot be reached), 130 when interrupted.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/rehearse-dev/rehearse/internal/exit"
	"github.com/rehearse-dev/rehearse/internal/notrace"
)

// Exit statuses, as CI reads them: the contract lives in internal/exit.
const (
	exitOK       = exit.CodeOK
	exitFailed   = exit.CodeFailed
	exitBadInput = exit.CodeBadInput
)

func main() {
	notrace.Install() // rehearse exports no traces; Prometheus's spans cost allocations a query
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns its exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return exitCode(execute(ctx, args, stdout, stderr), stderr)
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
