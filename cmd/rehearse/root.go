// This file builds the command tree on cobra: the root, its subcommands, and
// how cobra's own errors (an unknown command or flag) become exit status 2.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/internal/exit"
)

// action is a command's work once cobra has parsed its flags.
type action func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// setup registers a command's flags and returns its action, which reads them.
type setup func(fs *pflag.FlagSet) action

// signalStops marks a command for which an interrupt is its normal way to
// stop (a controller): it exits with its own status, not 130.
const signalStops = "rehearse/signal-stops"

// execute runs one command line. Every error it returns is classified for
// internal/exit: a usage error of cobra's is bad input, and a command cut
// short by a signal is interrupted.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	started := false
	root.PersistentPreRun = func(*cobra.Command, []string) { started = true }
	c, err := root.ExecuteContextC(ctx)
	if err != nil && !started {
		return usageError(c, err)
	}
	if ctx.Err() != nil && started && c.Annotations[signalStops] == "" {
		return errors.Join(exit.Interrupted, err)
	}
	return err
}

// usageError is cobra's refusal of the command line, with where to look.
func usageError(c *cobra.Command, err error) error {
	if exit.IsBadInput(err) {
		return err
	}
	return exit.BadInputf("%w (see '%s --help')", err, c.CommandPath())
}

// newRoot is the whole command tree, fresh for each command line (cobra
// commands hold their parsed flags).
func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "rehearse",
		Short: "rehearse a Flagger release before it happens",
		Long: `rehearse: rehearse a Flagger release before it happens.

Replays progressive-delivery scenarios against a Flagger-compatible engine and
says whether each release would be promoted or rolled back, when, and why.`,
		Version:       versionString(),
		SilenceErrors: true, // exitCode says them, once
		SilenceUsage:  true, // an error is one sentence, not a page of flags
		Args:          unknownCommand,
		RunE: func(c *cobra.Command, _ []string) error {
			c.SetOut(c.ErrOrStderr())
			_ = c.Usage()
			return exit.BadInputf("name a command: %s", strings.Join(commandNames(c), ", "))
		},
	}
	root.PersistentFlags().BoolP("quiet", "q", false, "show no progress on stderr (errors, the verdict and the reports are unchanged)")
	root.SetFlagErrorFunc(flagError)
	root.SetVersionTemplate("rehearse {{.Version}}\n")
	root.SetUsageTemplate(root.UsageTemplate() + exitStatusHelp)
	root.AddCommand(
		command("run [flags] PATH...", "replay scenario files (or folders of them) and write reports", runLong, runSetup),
		command("lint [flags] PATH...", "check Canary and MetricTemplate manifests for what Flagger only finds out during a rollout", lintLong, lintSetup),
		command("validate [flags] MANIFESTS...", "rehearse every Canary in your manifests under the built-in policies", validateLong, validateSetup),
		sweepCommand(),
		command("chaos [flags] SCENARIO...", "replay scenarios under injected faults and report which changed the outcome", chaosLong, chaosSetup),
		command("backtest [flags] MANIFESTS...|SCENARIO...", "replay your Canary's analysis over metrics recorded during a real release", backtestLong, backtestSetup),
		controllerCommandTree(),
		versionCommand(),
	)
	return root
}

// exitStatusHelp ends every help page: CI users look for it there.
const exitStatusHelp = `
Exit status: 0 every expectation held (lint: no error finding), 1 one failed,
2 bad input or nothing to check, 3 the environment cannot run it (no Docker
engine for --cluster kind, no envtest binaries, an unreachable Prometheus),
130 interrupted.
`

// command builds a subcommand from its flags and action.
func command(use, short, long string, s setup) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Long: long}
	act := s(c.Flags())
	c.RunE = func(c *cobra.Command, args []string) error {
		p, err := progressFor(c, c.ErrOrStderr())
		if err != nil {
			return exit.BadInput(err)
		}
		return act(withProgress(c.Context(), p), args, c.OutOrStdout(), c.ErrOrStderr())
	}
	return c
}

func commandNames(c *cobra.Command) []string {
	var names []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	return names
}

// unknownCommand refuses a first word that names no command, with the
// closest one, worded as flagError words a misspelt flag.
func unknownCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := ""
	if best := manifest.Closest(args[0], commandNames(c)); best != "" {
		hint = fmt.Sprintf("; did you mean %q?", best)
	}
	return exit.BadInputf("unknown command %q%s (see '%s --help')", args[0], hint, c.CommandPath())
}

// flagError words pflag's refusal for the user, with the closest flag the
// command has when the name looks misspelt.
func flagError(c *cobra.Command, err error) error {
	return exit.BadInputf("%w%s (see '%s --help')", err, flagSuggestion(c, err), c.CommandPath())
}

// flagSuggestion is "; did you mean --cluster?" for "unknown flag: --clustr".
func flagSuggestion(c *cobra.Command, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return ""
	}
	var names []string
	c.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	if best := manifest.Closest(name, names); best != "" {
		return fmt.Sprintf("; did you mean --%s?", best)
	}
	return ""
}
