// This file is `rehearse backtest`: its flags, the recording scenario they
// describe when no scenario file is given, and the verdicts it prints and
// checks against --expect.

package main

import (
	"github.com/rehearse-dev/rehearse/internal/exit"
	backtestreport "github.com/rehearse-dev/rehearse/reports/backtest"
	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"

	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"sigs.k8s.io/yaml"

	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backtest"
	"github.com/rehearse-dev/rehearse/sim/backtest/recording"
	"github.com/rehearse-dev/rehearse/sim/sweep"
)

// backtestFlags are the flags of rehearse backtest.
type backtestFlags struct {
	recording, canary, primary string
	from, to, release          string
	step                       time.Duration
	name, provider, expect     string
	out                        string
	set                        settingFlags
}

// settingFlags collects repeated --set PATH=VALUE flags.
type settingFlags []sweepreport.Setting

func (s *settingFlags) String() string { return fmt.Sprint(*s) }

func (s *settingFlags) Type() string { return "PATH=VALUE" }

func (s *settingFlags) Set(v string) error {
	path, value, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(path) == "" || value == "" {
		return fmt.Errorf("%q: write PATH=VALUE, e.g. metrics[request-success-rate].thresholdRange.min=95", v)
	}
	*s = append(*s, sweepreport.Setting{Path: strings.TrimSpace(path), Value: value})
	return nil
}

func backtestSetup(fs *pflag.FlagSet) action {
	f := &backtestFlags{}
	fs.StringVar(&f.recording, "recording", "", "the recorded metrics: a Prometheus TSDB folder (a snapshot), an OpenMetrics or text file with timestamps, or a Prometheus URL")
	fs.StringVar(&f.canary, "canary", "", "which recorded series were the canary's, e.g. 'deployment=podinfo-v2' (label=value pairs, comma-separated)")
	fs.StringVar(&f.primary, "primary", "", "which recorded series were the primary's, e.g. 'deployment=podinfo'; leave out when one workload stands in for the canary")
	fs.StringVar(&f.from, "from", "", "start of the window, RFC 3339 (2026-03-10T14:00:00Z); default: the recording's first sample")
	fs.StringVar(&f.to, "to", "", "end of the window, RFC 3339; default: the recording's last sample")
	fs.StringVar(&f.release, "release", "", "when the release happened, RFC 3339; default: the window's start")
	fs.DurationVar(&f.step, "step", 0, "with a Prometheus URL: the query_range step (default: the server's scrape interval)")
	fs.StringVar(&f.name, "name", "", "the Canary to backtest, name or namespace/name, when the manifests hold several")
	fs.StringVar(&f.provider, "provider", "", "mesh provider of Canaries that name none, as Flagger's -mesh-provider (default istio)")
	fs.Var(&f.set, "set", "PATH=VALUE: change a Canary field for this backtest (repeatable), e.g. analysis.threshold=10")
	fs.StringVar(&f.expect, "expect", "", "rolled-back, promoted or undecided: exit 1 when the verdict differs")
	fs.StringVar(&f.out, "out", "out/backtest", "folder for the reports")
	wait := waitFlag(fs)
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		want, err := expectedDecision(f.expect)
		if err != nil {
			return exit.BadInput(err)
		}
		scs, err := backtestScenarios(f, args)
		if err != nil {
			return err
		}
		release, err := lockOut(ctx, f.out, *wait)
		if err != nil {
			return err
		}
		defer release()
		bs, err := runBacktests(ctx, scs, f.provider)
		if err != nil {
			return err
		}
		return reportBacktests(stdout, f.out, bs, want)
	}
}

// expectedDecision reads --expect.
func expectedDecision(s string) (string, error) {
	switch s {
	case "":
		return "", nil
	case "rolled-back", "rolled back":
		return backtest.RolledBack, nil
	case "promoted", "undecided":
		return s, nil
	}
	return "", fmt.Errorf("--expect %q: use rolled-back, promoted or undecided", s)
}

// backtestScenarios are the scenario files given, or one scenario built
// from the flags and the manifests.
func backtestScenarios(f *backtestFlags, args []string) ([]*scenarios.Scenario, error) {
	if len(args) == 0 {
		return nil, exit.BadInputf("rehearse backtest needs your manifests (with --recording) or recording scenario files")
	}
	if f.recording == "" {
		scs, err := loadScenarios(args)
		if err != nil {
			return nil, err
		}
		return scs, applySettings(scs, f.set)
	}
	sc, err := flagScenario(f, args)
	if err != nil {
		return nil, err
	}
	scs := []*scenarios.Scenario{sc}
	return scs, applySettings(scs, f.set)
}

func applySettings(scs []*scenarios.Scenario, set settingFlags) error {
	for _, sc := range scs {
		if sc.Recording == nil {
			return exit.BadInputf("%s has no spec.recording: rehearse backtest replays recorded metrics (use rehearse run for this scenario)", sc.File)
		}
		if len(set) == 0 {
			continue
		}
		cd, err := sweep.Apply(sc.Canary, set)
		if err != nil {
			return exit.BadInput(err)
		}
		sc.Canary = cd
	}
	return nil
}

// flagScenario writes the flags as a recording scenario and loads it with
// the scenario loader, so a flag-built backtest is checked as a scenario
// file is. The flags are checked first, to name them in errors.
func flagScenario(f *backtestFlags, manifests []string) (*scenarios.Scenario, error) {
	if err := checkFlags(f); err != nil {
		return nil, exit.BadInput(err)
	}
	doc, err := flagDocument(f, manifests)
	if err != nil {
		return nil, exit.BadInput(err)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	sc, err := scenarios.Parse(filepath.Join(cwd, "(backtest flags)"), doc)
	if err != nil {
		return nil, exit.BadInput(err)
	}
	sc.File = ""
	return sc, nil
}

func checkFlags(f *backtestFlags) error {
	if strings.TrimSpace(f.canary) == "" {
		return errors.New("--canary: say which recorded series were the canary's, e.g. --canary 'deployment=podinfo-v2'")
	}
	for _, s := range []struct{ flag, value string }{{"--canary", f.canary}, {"--primary", f.primary}} {
		if _, err := scenarios.ParseSelector(s.value); err != nil {
			return fmt.Errorf("%s: %w", s.flag, err)
		}
	}
	for _, t := range []struct{ flag, value string }{{"--from", f.from}, {"--to", f.to}, {"--release", f.release}} {
		if t.value == "" {
			continue
		}
		if _, err := scenarios.ParseTime(t.value); err != nil {
			return fmt.Errorf("%s: %w", t.flag, err)
		}
	}
	if f.release != "" && f.from == "" {
		return errors.New("--release needs --from: the release is placed within the window")
	}
	return nil
}

// flagDocument is the scenario the flags describe, as YAML.
func flagDocument(f *backtestFlags, manifests []string) ([]byte, error) {
	var abs []string
	for _, m := range manifests {
		a, err := filepath.Abs(m)
		if err != nil {
			return nil, err
		}
		abs = append(abs, a)
	}
	source := f.recording
	if !(recording.Spec{Source: source}).IsLive() {
		a, err := filepath.Abs(source)
		if err != nil {
			return nil, err
		}
		source = a
	}
	rec := map[string]any{"source": source, "canary": f.canary, "primary": f.primary, "from": f.from, "to": f.to}
	if f.step > 0 {
		rec["step"] = f.step.String()
	}
	spec := map[string]any{"manifests": abs, "recording": rec}
	if f.name != "" {
		spec["canary"] = f.name
	}
	if at, ok := releaseOffset(f); ok {
		spec["release"] = map[string]any{"from": scenarios.RecordedFrom, "to": scenarios.RecordedTo, "at": at.String()}
	}
	return yaml.Marshal(map[string]any{"apiVersion": scenarios.APIVersion, "kind": scenarios.Kind,
		"metadata": map[string]any{"name": nameOf(f.recording)}, "spec": spec})
}

func releaseOffset(f *backtestFlags) (time.Duration, bool) {
	if f.release == "" {
		return 0, false
	}
	from, _ := scenarios.ParseTime(f.from)
	rel, _ := scenarios.ParseTime(f.release)
	return rel.Sub(from), true
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// nameOf names a flag-built backtest after its recording.
func nameOf(source string) string {
	base := filepath.Base(strings.TrimRight(source, "/"))
	if (recording.Spec{Source: source}).IsLive() {
		base = "live-prometheus"
	}
	base = strings.TrimSuffix(base, filepath.Ext(base))
	name := strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(base), "-"), "-")
	if name == "" {
		return "backtest"
	}
	return name
}

// runBacktests checks every recording before running any: a bad one is
// refused (exit 2), an unreachable Prometheus is the environment (3).
func runBacktests(ctx context.Context, scs []*scenarios.Scenario, provider string) ([]*backtestreport.Backtest, error) {
	if err := manifest.CheckProvider(provider); err != nil {
		return nil, exit.BadInputf("--provider: %w", err)
	}
	opts := backtest.Options{Provider: provider}
	if err := prepareRecordings(ctx, scs, provider); err != nil {
		return nil, err
	}
	var out []*backtestreport.Backtest
	for _, sc := range scs {
		b, err := backtest.Run(ctx, sc, opts)
		if err != nil {
			return nil, recordingError(err)
		}
		out = append(out, b)
	}
	return out, nil
}

// prepareRecordings reads and checks the recordings of the scenarios that
// have one, so that a bad recording stops the command with exit 2 before
// any rehearsal (run, sweep and backtest share it).
func prepareRecordings(ctx context.Context, scs []*scenarios.Scenario, provider string) error {
	for _, sc := range scs {
		if sc.Recording == nil {
			continue
		}
		if _, err := backtest.Prepare(ctx, sc, backtest.Options{Provider: provider}); err != nil {
			return recordingError(err)
		}
	}
	return nil
}

func recordingError(err error) error {
	if errors.Is(err, recording.ErrUnreachable) {
		return exit.Environment(err)
	}
	return exit.BadInput(err)
}

// reportBacktests writes the reports and prints each verdict; a verdict
// other than --expect, or a failed expectation of a scenario, exits 1.
func reportBacktests(stdout io.Writer, out string, bs []*backtestreport.Backtest, want string) error {
	failed := false
	for _, b := range bs {
		if want != "" {
			expect(b, want)
		}
		failed = failed || !b.Run.Passed
		fmt.Fprintf(stdout, "%s: %s %s.%s\n", b.Run.Scenario, b.Run.Canary, b.Verdict.Text, expectationSuffix(b.Run))
	}
	if err := backtestreport.WriteAll(out, bs); err != nil {
		return fmt.Errorf("writing the backtest reports to %s: %w", out, err)
	}
	fmt.Fprintf(stdout, "reports written to %s/ (<name>/backtest.html, backtest.md, backtest.json)\n", out)
	if failed {
		return exit.Failed
	}
	return nil
}

// expect adds --expect to the run's expectations.
func expect(b *backtestreport.Backtest, want string) {
	e := reports.Expectation{Description: "the backtest verdict is " + want, Passed: b.Verdict.Decision == want}
	if !e.Passed {
		e.Detail = "it is " + b.Verdict.Decision
	}
	b.Run.Expectations = append(b.Run.Expectations, e)
	b.Run.Passed = b.Run.Passed && e.Passed
}

func expectationSuffix(r *reports.Run) string {
	switch {
	case len(r.Expectations) == 0:
		return ""
	case r.Passed:
		return " (as expected)"
	}
	var why []string
	for _, e := range r.Expectations {
		if !e.Passed {
			why = append(why, e.Description+": "+e.Detail)
		}
	}
	return " (NOT as expected: " + strings.Join(why, "; ") + ")"
}
