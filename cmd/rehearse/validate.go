// This file is `rehearse validate`: its flags, loading the manifests and
// the user's own scenarios into a plan of rehearsals, and the reports,
// annotations and GitHub step summary it writes.

package main

import (
	"bytes"

	"github.com/rehearse-dev/rehearse/internal/exit"
	validatereport "github.com/rehearse-dev/rehearse/reports/validate"

	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
	"github.com/rehearse-dev/rehearse/sim/policy"
)

// validateConfig is what the validate command's flags say.
type validateConfig struct {
	out, format, cluster, provider string
	scenarios                      pathList
	maxRollback, maxPromotion      time.Duration
	scrape                         time.Duration
	manifests                      []string
}

// pathList is a flag that may be given more than once.
type pathList []string

func (p *pathList) String() string { return strings.Join(*p, ",") }

func (p *pathList) Type() string { return "PATH" }

func (p *pathList) Set(v string) error {
	*p = append(*p, v)
	return nil
}

// validateSetup is `rehearse validate [flags] MANIFESTS...`: every
// Canary in the manifests is rehearsed under every built-in policy that
// applies (plus the user's own scenarios), and the exit status says
// whether each policy held: 0 yes, 1 no, 2 bad input.
func validateSetup(fs *pflag.FlagSet) action {
	cfg := &validateConfig{}
	fs.StringVar(&cfg.out, "out", "out", "folder for the reports")
	fs.Var(&cfg.scenarios, "scenarios", "your own scenario file or folder, run alongside the policies (repeatable)")
	fs.DurationVar(&cfg.maxRollback, "max-rollback-time", policy.DefaultMaxRollbackTime, "how long a Canary may take to roll back a bad, slow or refused release")
	fs.DurationVar(&cfg.maxPromotion, "max-promotion-time", 0, "how long a Canary may take to promote a good release (default: derived from each analysis)")
	fs.StringVar(&cfg.format, "format", "text", "output: text, or github (workflow annotations and a step summary)")
	fs.StringVar(&cfg.cluster, "cluster", "memory", "where the rehearsals run: memory (embedded) or envtest (a real kube-apiserver and etcd)")
	fs.StringVar(&cfg.provider, "provider", "", "mesh provider of Canaries that name none as your Flagger install's -mesh-provider flag sets it (default: istio, Flagger's default)")
	fs.DurationVar(&cfg.scrape, "scrape-interval", 0, scrapeIntervalUsage)
	wait := waitFlag(fs)
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		cfg.manifests = args
		if err := cfg.check(); err != nil {
			return err
		}
		cfg := *cfg
		plan, scs, err := loadValidation(cfg)
		if err != nil {
			return err
		}
		release, err := lockOut(ctx, cfg.out, *wait)
		if err != nil {
			return err
		}
		defer release()
		opts := sim.Options{Cluster: cfg.cluster, Provider: cfg.provider}
		session, err := openSession(ctx, opts)
		if err != nil {
			return err // classified by sim.Open: a bad --cluster (2), a machine that cannot start it (3)
		}
		runs := session.RunAll(ctx, scs, opts)
		if err := session.Close(); err != nil {
			fmt.Fprintf(stderr, "rehearse: stopping the cluster: %v\n", err)
		}
		return writeValidation(stdout, cfg, plan, labelRuns(plan.Attach(runs)))
	}
}

func (cfg validateConfig) check() error {
	switch {
	case cfg.format != "text" && cfg.format != "github":
		return exit.BadInputf("rehearse validate: unknown --format %q: use text or github", cfg.format)
	case cfg.maxRollback <= 0:
		return exit.BadInputf("rehearse validate: --max-rollback-time must be longer than zero")
	case cfg.maxPromotion < 0:
		return exit.BadInputf("rehearse validate: --max-promotion-time must not be negative (0 derives it from each analysis)")
	case len(cfg.manifests) == 0:
		return exit.BadInputf("rehearse validate needs your manifests: give the files or folders that hold your Canaries")
	}
	if err := manifest.CheckProvider(cfg.provider); err != nil {
		return exit.BadInputf("rehearse validate: --provider: %w", err)
	}
	return nil
}

// loadValidation reads the manifests and the user's scenarios and plans
// every rehearsal. Any problem with them is bad input.
func loadValidation(cfg validateConfig) (*policy.Plan, []*scenarios.Scenario, error) {
	set, err := loadManifests(cfg.manifests)
	if err != nil {
		return nil, nil, err
	}
	plan, err := planBuilds(set, policy.Options{MaxRollbackTime: cfg.maxRollback,
		MaxPromotionTime: cfg.maxPromotion, Provider: cfg.provider, ReadFile: os.ReadFile})
	if err != nil {
		return nil, nil, exit.BadInput(err)
	}
	scs, err := userScenarios(cfg.scenarios, plan)
	if err != nil {
		return nil, nil, err
	}
	all := append(plan.Scenarios(), scs...)
	if len(all) == 0 && len(plan.Skipped) == 0 && len(plan.NotRehearsable()) == 0 {
		return nil, nil, exit.BadInputf("nothing to rehearse in %s: %s", strings.Join(cfg.manifests, ", "), findingsText(plan))
	}
	if err := applyScrapeInterval(all, cfg.scrape); err != nil {
		return nil, nil, err
	}
	return plan, all, nil
}

func loadManifests(paths []string) (*manifest.Set, error) {
	set, err := manifest.LoadFiles(paths...)
	if err != nil {
		return nil, exit.BadInput(err)
	}
	if !hasCanary(set) {
		return nil, exit.BadInputf("no Canary in %s: rehearse validate rehearses the Canaries of your manifests (kind: Canary, apiVersion: flagger.app/v1beta1)", strings.Join(paths, ", "))
	}
	return set, nil
}

func hasCanary(set *manifest.Set) bool {
	for _, b := range set.Builds() {
		if len(b.Canaries) > 0 {
			return true
		}
	}
	return false
}

// userScenarios loads the --scenarios paths; their names must not clash
// with the policies' scenarios, since each names a report folder.
func userScenarios(paths []string, plan *policy.Plan) ([]*scenarios.Scenario, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	scs, err := scenarios.Load(paths...)
	if err != nil {
		return nil, exit.BadInput(err)
	}
	taken := map[string]*policy.Rehearsal{}
	for _, r := range plan.Rehearsals {
		taken[r.Scenario.Name] = r
	}
	for _, sc := range scs {
		if r, clash := taken[sc.Name]; clash {
			return nil, exit.BadInputf("%s: scenario name %q is also the name of the %s rehearsal of Canary %s: rename the scenario", sc.File, sc.Name, r.Policy, r.Canary)
		}
	}
	return scs, nil
}

func findingsText(plan *policy.Plan) string {
	if len(plan.Findings) == 0 {
		return "no Canary can be rehearsed"
	}
	var parts []string
	for _, f := range plan.Findings {
		parts = append(parts, fmt.Sprintf("%s:%d: %s: %s", f.Origin.File, f.Origin.Line, f.Canary, f.Message))
	}
	return strings.Join(parts, "; ")
}

// writeValidation writes the reports (rehearse run's layout, with the
// validation's own summary.md), the terminal output, and turns the results
// into the exit status.
func writeValidation(stdout io.Writer, cfg validateConfig, plan *policy.Plan, results []policy.Result) error {
	runs := make([]*reports.Run, len(results))
	for i, r := range results {
		runs[i] = r.Run
	}
	runs = append(runs, plan.SkippedRuns()...)
	v := plan.Validation(results)
	if err := writeValidationReports(cfg.out, runs, v); err != nil {
		return err
	}
	if err := reports.WriteTable(stdout, runs); err != nil {
		return err
	}
	if err := writeValidationDetails(stdout, cfg.format, v); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reports written to %s/\n", cfg.out)
	if len(v.Failed()) > 0 {
		return exit.Failed
	}
	return nil
}

func writeValidationReports(out string, runs []*reports.Run, v validatereport.Validation) error {
	if err := reports.WriteAll(out, runs); err != nil {
		return fmt.Errorf("writing reports to %s: %w", out, err)
	}
	var summary bytes.Buffer
	if err := validatereport.WriteSummary(&summary, v); err != nil {
		return err
	}
	if err := reports.WriteFile(filepath.Join(out, "summary.md"), summary.Bytes()); err != nil {
		return fmt.Errorf("writing the summary to %s: %w", out, err)
	}
	return nil
}

func writeValidationDetails(stdout io.Writer, format string, v validatereport.Validation) error {
	if format == "text" {
		return validatereport.WriteText(stdout, v)
	}
	if err := validatereport.WriteGitHub(stdout, v); err != nil {
		return err
	}
	return appendStepSummary(os.Getenv("GITHUB_STEP_SUMMARY"), v)
}

// appendStepSummary adds the Markdown summary to the GitHub Actions job
// summary, when the runner names its file.
func appendStepSummary(path string, v validatereport.Validation) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("appending to $GITHUB_STEP_SUMMARY (%s): %w", path, err)
	}
	if err := validatereport.WriteSummary(f, v); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
