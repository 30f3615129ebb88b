// This file is `rehearse lint`: its flags, linting the manifests (the
// loader's refusals that are rules become findings) and the exit status
// the findings give.

package main

import (
	"github.com/rehearse-dev/rehearse/internal/exit"

	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/rehearse-dev/rehearse/engine/lint"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// lintCommand is `rehearse lint [--format text|github|json] [--rules] PATH...`.
// Exit status: 0 with no error finding (warnings allowed), 1 with one, 2 when
// the loader refuses the input for a reason that is not a lint rule.
func lintSetup(fs *pflag.FlagSet) action {
	format := fs.String("format", "text", "output: "+strings.Join(lint.Formats, ", "))
	listRules := fs.Bool("rules", false, "list the rules and exit")
	scrape := fs.Duration("scrape-interval", lint.DefaultScrapeInterval, "how often your Prometheus scrapes the workloads (RH019 warns of a metric interval under two scrapes)")
	return func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		switch {
		case *listRules:
			return lint.WriteRules(stdout)
		case !lint.KnownFormat(*format):
			return exit.BadInputf("rehearse lint: unknown --format %q: use one of %s", *format, strings.Join(lint.Formats, ", "))
		case len(args) == 0:
			return exit.BadInputf("rehearse lint needs at least one manifest file or folder")
		case *scrape <= 0:
			return exit.BadInputf("rehearse lint: --scrape-interval %v: give your Prometheus's scrape interval, e.g. 15s", *scrape)
		}
		r := lintPaths(args, lint.Options{ScrapeInterval: *scrape})
		if err := lint.Write(stdout, *format, r.findings); err != nil {
			return err
		}
		return r.verdict(stderr, *format)
	}
}

// lintResult is what linting some paths found.
type lintResult struct {
	findings []lint.Finding
	partial  bool  // the loader refused the files: only its refusals were checked
	loadErr  error // the loader's refusals that are not lint rules
}

// lintPaths loads the manifests and lints them. When the loader refuses
// them, its refusals that are rules become findings and the others stay
// an error; the other rules need a Set, so they wait for the next run.
func lintPaths(paths []string, opts lint.Options) lintResult {
	set, err := manifest.LoadFiles(paths...)
	if err != nil {
		findings, rest := lint.FromLoadError(err)
		return lintResult{findings: findings, partial: true, loadErr: rest}
	}
	if !hasCanary(set) && len(set.MetricTemplates) == 0 {
		return lintResult{loadErr: fmt.Errorf("nothing to check: no Canary or MetricTemplate (apiVersion: flagger.app/v1beta1) in %s", strings.Join(paths, ", "))}
	}
	return lintResult{findings: lintBuilds(set, opts)}
}

// verdict turns the outcome into the exit status, with a summary for
// people reading text output.
func (r lintResult) verdict(stderr io.Writer, format string) error {
	if r.loadErr != nil {
		return exit.BadInputf("%w", r.loadErr)
	}
	if format == "text" {
		fmt.Fprintln(stderr, r.summary())
	}
	if lint.HasErrors(r.findings) {
		return exit.Failed
	}
	return nil
}

func (r lintResult) summary() string {
	errs, warns := lint.Count(r.findings)
	s := fmt.Sprintf("rehearse lint: %s, %s", lintPlural(errs, "error"), lintPlural(warns, "warning"))
	if errs+warns == 0 {
		s = "rehearse lint: no problems found"
	}
	if r.partial {
		s += " (the loader refused the files, so only its checks ran: fix these and lint again for the rest)"
	}
	return s
}

func lintPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
