// This file tests two patterns about series: a 15s scrape interval that
// leaves every check without values (and lint's RH019 warning), and a gauge
// the rehearsal cannot produce until the scenario gives it as raw series.

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/reports"
)

// What a rehearsal came to, as its report says.
const (
	rolledBack     = "rolled back"
	notRehearsable = reports.NotRehearsable
	noReport       = "no report"
)

// reportVerdict reads a run's report.json: its decision when it passed,
// "not rehearsable", or "no report" when none was written; a failure is
// "failed: " and the decision.
func reportVerdict(t *testing.T, out, scenario string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(out, scenario, "report.json"))
	if os.IsNotExist(err) {
		return noReport
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := reports.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case r.NotRehearsable != "":
		return notRehearsable
	case !r.Passed:
		return "failed: " + r.Decision
	}
	return r.Decision
}

// TestPatternScrapeInterval: with a Prometheus that scrapes every 15s, a
// 15s metric window holds one sample, every check finds no values and
// Flagger rolls the good release back, as the rehearsal now does when told
// so; lint warns of it (RH019) at each metric's interval.
func TestPatternScrapeInterval(t *testing.T) {
	dir := filepath.Join(patternsDir, "interval-15s")
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := exitCode(validateCommand(context.Background(), []string{"--out", out, "--scrape-interval", "15s", dir}, &stdout, &stderr), &stderr)
	if code != exitFailed || reportVerdict(t, out, "podinfo-good-release") != "failed: rolled back" {
		t.Errorf("exit %d, good release %s; want 1 and rolled back:\n%s", code, reportVerdict(t, out, "podinfo-good-release"), stdout.String())
	}
	if !strings.Contains(stdout.String(), "no values found") {
		t.Errorf("the failure does not say the checks found no values:\n%s", stdout.String())
	}
	for _, c := range []struct {
		scrape string
		warns  int
	}{{"5s", 0}, {"15s", 2}} {
		stdout.Reset()
		lintCommand(context.Background(), []string{"--scrape-interval", c.scrape, dir}, &stdout, &stderr)
		if n := strings.Count(stdout.String(), "RH019"); n != c.warns {
			t.Errorf("lint --scrape-interval %s: %d RH019 warnings, want %d:\n%s", c.scrape, n, c.warns, stdout.String())
		}
	}
}

// TestPatternGivenSeries: rehearse run of the unmappable gauge says, once,
// that it cannot produce the series, and the run is not rehearsable, not
// failed; the same scenario with the gauge given as raw series is
// rehearsed, and the burning budget rolls the release back.
func TestPatternGivenSeries(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := exitCode(runCommand(context.Background(), []string{"--out", out, "testdata/patterns"}, &stdout, &stderr), &stderr)
	if code != exitOK {
		t.Errorf("exit %d, want 0:\n%s%s", code, stdout.String(), stderr.String())
	}
	if got := reportVerdict(t, out, "burn-rate-missing"); got != notRehearsable {
		t.Errorf("burn-rate-missing: %s, want not rehearsable", got)
	}
	if got := reportVerdict(t, out, "burn-rate-given"); got != rolledBack {
		t.Errorf("burn-rate-given: %s, want rolled back", got)
	}
	md, err := os.ReadFile(filepath.Join(out, "burn-rate-missing", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	const say = "cannot produce series `checkout_error_budget_burn_rate{app=\"checkout\",namespace=\"shop\"}` for metric `error-budget-burn`"
	if n := strings.Count(string(md), strings.ReplaceAll(say, "`", "\\`")); n != 2 {
		t.Errorf("the report says %q %d times, want twice (verdict and one note):\n%s", say, n, md)
	}
}
