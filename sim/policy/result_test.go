// This file checks pairing runs with rehearsals, the words of each failure,
// and validate's summary, details and GitHub commands against golden files,
// from a plan to the bytes.

package policy

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	validatereport "github.com/rehearse-dev/rehearse/reports/validate"

	"github.com/rehearse-dev/rehearse/reports"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixturePlan is three Canaries: app (every policy, a stubbed template),
// blind (errors only checked by that template: bad-release is not
// rehearsable) and legacy (skipAnalysis, its Deployment left out).
func fixturePlan(t *testing.T) *Plan {
	t.Helper()
	legacy := strings.ReplaceAll(canaryYAML("legacy", "", "  skipAnalysis: true\n"+analysis(successRate, "")), "name: app}", "name: legacy}")
	blind := canaryYAML("blind", "", analysis(duration+"      - {name: queue, templateRef: {name: t}, thresholdRange: {max: 10}}\n", ""))
	files := map[string]string{
		"apps/blind/canary.yaml":  blind,
		"apps/app/canary.yaml":    canaryYAML("app", "", analysis(successRate+duration+"      - {name: queue, templateRef: {name: t}, thresholdRange: {max: 10}}\n", preRollout)),
		"apps/app/deploy.yaml":    deploymentYAML,
		"apps/app/template.yaml":  templateYAML("prometheus", "max(queue_depth)"),
		"apps/legacy/canary.yaml": legacy,
	}
	p, err := Build(loadSet(t, files), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func decided(s float64) *float64 { return &s }

// fixtureRuns are what the simulator could have said about fixturePlan,
// plus a user's scenario: app's bad release was never rolled back.
func fixtureRuns(p *Plan) []*reports.Run {
	var runs []*reports.Run
	for _, r := range p.Rehearsals {
		if r.NotRehearsable != "" {
			continue // never run
		}
		run := &reports.Run{Scenario: r.Scenario.Name, Canary: r.Canary, Passed: true, Notes: []string{"from the simulator"}}
		switch r.Policy {
		case GoodRelease:
			run.Decision, run.Outcome, run.DecidedAt = "promoted", "Succeeded", decided(540)
		default:
			run.Decision, run.Outcome, run.DecidedAt = "rolled back", "Failed", decided(480)
		}
		if r.Scenario.Name == "app-bad-release" {
			run.Passed, run.Decision, run.Outcome, run.DecidedAt = false, "undecided", "Progressing", nil
			run.Ticks = []reports.Tick{{Tick: 3, T: 180, FailedChecks: 0}, {Tick: 4, T: 240, FailedChecks: 1, Reason: "halt advancement: request-success-rate 50.00 < 99.00"}}
		}
		runs = append(runs, run)
	}
	return append(runs, &reports.Run{Scenario: "my-own", File: "scenarios/my-own.yaml", Canary: "ns/app", Decision: "promoted", Outcome: "Succeeded",
		DecidedAt: decided(600), Expectations: []reports.Expectation{{Description: "the outcome is Failed", Detail: "the run ended in Succeeded"}}})
}

// TestAttach pairs runs with rehearsals and puts the rehearsal's notes first.
func TestAttach(t *testing.T) {
	p := fixturePlan(t)
	results := p.Attach(fixtureRuns(p))
	byName := map[string]Result{}
	for _, r := range results {
		byName[r.Run.Scenario] = r
	}
	first, own, blind := results[0], byName["my-own"], byName["blind-bad-release"]
	if first.Rehearsal == nil || first.Rehearsal.Scenario.Name != first.Run.Scenario {
		t.Fatalf("first result %+v is not paired with its rehearsal", first)
	}
	if n := first.Run.Notes; len(n) != 2 || !strings.Contains(n[0], "queue_depth") || n[1] != "from the simulator" {
		t.Errorf("notes %q, want the rehearsal's note then the simulator's", n)
	}
	if own.Rehearsal != nil || own.report().Title() != "my-own" {
		t.Errorf("the user's scenario was paired with %+v", own.Rehearsal)
	}
	if blind.Rehearsal == nil || !blind.report().NotRehearsable() || !blind.report().Passed() || len(blind.Run.Ticks) != 0 ||
		!strings.Contains(blind.Run.NotRehearsable, "errors are only checked by queue") || blind.Run.Provider != "istio" {
		t.Errorf("the rehearsal that is not rehearsable got %+v", blind.Run)
	}
}

// TestProblems: a failure says what the policy required, what happened
// and what to change.
func TestProblems(t *testing.T) {
	p := fixturePlan(t)
	results := p.Attach(fixtureRuns(p))
	byName := map[string]Result{}
	for _, r := range results {
		byName[r.Run.Scenario] = r
	}
	late := byName["app-slow-release"]
	late.Run.DecidedAt = decided(1500)
	late.Run.Ticks = []reports.Tick{{Tick: 3, T: 180, FailedChecks: 1, Reason: "halt advancement: request-duration 10000.00 > 500.00"}}
	quiet := byName["app-failing-pre-rollout"]
	quiet.Run.Decision, quiet.Run.Outcome, quiet.Run.DecidedAt, quiet.Run.MaxWeight = "promoted", "Succeeded", decided(540), 50
	refused := byName["app-good-release"]
	refused.Run.Decision, refused.Run.Outcome = "rolled back", "Failed"
	refused.Run.Ticks = []reports.Tick{{Tick: 3, T: 180, FailedChecks: 1, Reason: "halt advancement: no values found for metric queue"}}
	broken := byName["legacy-good-release"]
	broken.Run.Error = "starting the synthetic Prometheus: address in use"
	cases := []struct {
		r    Result
		want []string
	}{
		{byName["app-bad-release"], []string{"bad-release: ns/app must roll back a release that fails 50% of its requests within 10m0s, but there was no decision after",
			"(Progressing, 1 of 5 failed checks); first failed check: tick 4 (4m0s): halt advancement: request-success-rate 50.00 < 99.00.",
			"Flagger rolls back after analysis.threshold (5) failed checks, one per analysis.interval (1m0s) from the first"}},
		{late, []string{"slow-release: ns/app must roll back a release whose P99 latency is 10s within 10m0s, but it was rolled back after 25m0s", "lower either, or allow more time with --max-rollback-time"}},
		{quiet, []string{"failing-pre-rollout: ns/app must roll back a release whose pre-rollout hooks (smoke) answer 500 within 10m0s, but it was promoted after 9m0s, with 50% of the traffic sent to it.",
			"No check failed: add or tighten a metric or webhook that catches it."}},
		{refused, []string{"good-release: ns/app must promote a healthy release within 11m0s, but it was rolled back after 9m0s; first failed check: tick 3 (3m0s): halt advancement: no values found for metric queue.",
			"See app-good-release/report.md", "rehearse.dev/expect.good-release"}},
		{broken, []string{"good-release: ns/legacy must promote a healthy release within 4m0s, but the rehearsal could not run: starting the synthetic Prometheus: address in use."}},
		{byName["my-own"], []string{"scenario my-own: the outcome is Failed: the run ended in Succeeded"}},
	}
	for _, c := range cases {
		t.Run(c.r.Run.Scenario, func(t *testing.T) {
			got := c.r.Problem()
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("problem lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

// TestWriteGitHub: one error per failed run at the Canary's file and line,
// a warning per finding, a notice per note.
func TestWriteGitHub(t *testing.T) {
	p := fixturePlan(t)
	var b bytes.Buffer
	if err := validatereport.WriteGitHub(&b, p.Validation(p.Attach(fixtureRuns(p)))); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"::error file=apps/app/canary.yaml,line=1,title=bad-release::bad-release: ns/app must roll back",
		"::error file=scenarios/my-own.yaml,title=my-own::scenario my-own: the outcome is Failed: the run ended in Succeeded",
		"::warning file=apps/blind/canary.yaml,line=1,title=bad-release not rehearsable::errors are only checked by queue, whose series rehearse cannot produce",
		"::warning file=apps/legacy/canary.yaml,line=1,title=rehearse ns/legacy::skipAnalysis: Flagger promotes",
		"::notice file=apps/app/canary.yaml,line=1,title=rehearse ns/app::cannot produce series `queue_depth` for metric `queue`",
		"::notice file=apps/blind/canary.yaml,line=1,title=rehearse ns/blind::cannot produce series `queue_depth` for metric `queue`",
		"::notice file=apps/legacy/canary.yaml,line=1,title=rehearse ns/legacy::Deployment ns/legacy is not in the manifests",
	}
	if len(lines) != len(want) {
		t.Fatalf("%d commands, want %d:\n%s", len(lines), len(want), b.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("command %d:\n%s\nwant prefix\n%s", i, lines[i], w)
		}
	}
}

// TestWriteSummary compares the Markdown summary with its golden file;
// go test -update rewrites it.
func TestWriteSummary(t *testing.T) {
	p := fixturePlan(t)
	var b bytes.Buffer
	if err := validatereport.WriteSummary(&b, p.Validation(p.Attach(fixtureRuns(p)))); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden.md", b.Bytes())
	var text bytes.Buffer
	if err := validatereport.WriteText(&text, p.Validation(p.Attach(fixtureRuns(p)))); err != nil {
		t.Fatal(err)
	}
	golden(t, "details.golden.txt", text.Bytes())
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
