// This file backtests the shipped TSDB snapshot of real traffic
// (fixtures/recordings/podinfo-releases): the incident rolls back, the
// good release promotes, and the README's chart stays the one drawn.

package backtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	backtestreport "github.com/rehearse-dev/rehearse/reports/backtest"

	"github.com/rehearse-dev/rehearse/sim"
)

// The shipped recording (fixtures/recordings/podinfo-releases) is a TSDB
// snapshot Debian's Prometheus took of real traffic: see that folder's
// README for how it was made.
const (
	incidentVerdict = "would have rolled back at 10:47:30 UTC, 5m45s after request-success-rate first fell below 99 (at 10:41:45), with 50% of traffic on the release"
	goodVerdict     = "would have promoted at 10:44:30 UTC: every check passed with up to 50% of traffic on the release"
)

// TestShippedIncidentRollsBack is the "done when": the podinfo
// Canary's policy catches the recorded incident, and says when.
func TestShippedIncidentRollsBack(t *testing.T) {
	b := backtest(t, load(t, "podinfo-incident.yaml"))
	if b.Verdict.Text != incidentVerdict || b.Verdict.Decision != RolledBack || b.Format != "TSDB" {
		t.Errorf("verdict %q (%s, from %s),\nwant %q", b.Verdict.Text, b.Verdict.Decision, b.Format, incidentVerdict)
	}
	readmeChart(t, b)
}

// TestShippedIncidentLooserThresholdPromotes: with a minimum of 75% (the
// failing release still answered about 80%) the same recording promotes.
func TestShippedIncidentLooserThresholdPromotes(t *testing.T) {
	b := backtest(t, with(t, load(t, "podinfo-incident.yaml"), "metrics[request-success-rate].thresholdRange.min", "75"))
	if b.Verdict.Decision != Promoted {
		t.Errorf("verdict %q, want a promotion", b.Verdict.Text)
	}
}

func TestShippedGoodReleasePromotes(t *testing.T) {
	b := backtest(t, load(t, "podinfo-good-release.yaml"))
	if b.Verdict.Text != goodVerdict {
		t.Errorf("verdict %q,\nwant %q", b.Verdict.Text, goodVerdict)
	}
}

// TestShippedVerdictsMatchTheScript: the engine decides the same on the
// values it read from the real recording when they are scripted.
func TestShippedVerdictsMatchTheScript(t *testing.T) {
	for _, name := range []string{"podinfo-incident.yaml", "podinfo-good-release.yaml"} {
		sc := load(t, name)
		b := backtest(t, sc)
		scripted := sim.Run(context.Background(), scriptOf(sc, b.Run), sim.Options{})
		if scripted.Error != "" {
			t.Fatal(scripted.Error)
		}
		sameDecisions(t, b.Run, scripted)
	}
}

// readmeChart keeps the README's worked example true: docs/backtest holds
// the incident's success-rate chart as rehearse draws it.
func readmeChart(t *testing.T, b *backtestreport.Backtest) {
	t.Helper()
	dir := t.TempDir()
	if err := backtestreport.WriteAll(dir, []*backtestreport.Backtest{b}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, b.Run.Scenario, "request-success-rate.svg"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "backtest", "podinfo-incident.svg")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s is not the chart rehearse draws now (go test ./sim/backtest -update): %v", path, err)
	}
}
