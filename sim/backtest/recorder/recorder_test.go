// This file records releases with real traffic and Debian's Prometheus:
// a short incident backtested from its snapshot, the live server and its
// data directory alike, and, on request, the shipped fixture re-recorded.

package recorder

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	backtestreport "github.com/rehearse-dev/rehearse/reports/backtest"
	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"

	"sigs.k8s.io/yaml"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backtest"
	"github.com/rehearse-dev/rehearse/sim/realtraffic/realprom"
	"github.com/rehearse-dev/rehearse/sim/sweep"
)

// needPrometheus skips without Debian's Prometheus, or fails when the
// tier is required (make test sets REHEARSE_REQUIRE_PROMETHEUS=1).
func needPrometheus(t *testing.T) {
	t.Helper()
	if err := realprom.Available(""); err != nil {
		if os.Getenv("REHEARSE_REQUIRE_PROMETHEUS") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// shortIncident is two minutes of podinfo (primary) and podinfo-v2 (the
// release, half the traffic), scraped every second; from 25s on the
// release fails half its requests.
func shortIncident(srv *realprom.Server) Config {
	return Config{Namespace: "shop", Prometheus: srv, Length: 75 * time.Second, Seed: 7,
		Workloads: []Workload{{Name: "podinfo"}, {Name: "podinfo-v2", FaultAt: 25 * time.Second, FaultSuccessRate: 50}},
		Splits:    []Split{{Primary: "podinfo", Canary: "podinfo-v2", Weight: 50, RPS: 20}}}
}

// TestBacktestAFreshRecording records a short incident with real traffic
// and Debian's Prometheus, then backtests the short Canary over it three
// ways: the admin-API snapshot, the same with a looser minimum, the live
// server over query_range, and the stopped server's data directory. All
// three sources must agree, the policy must catch the fault, and the
// looser one must not.
func TestBacktestAFreshRecording(t *testing.T) {
	needPrometheus(t)
	if testing.Short() {
		t.Skip("records 75s of real traffic; skipped with -short")
	}
	srv := &realprom.Server{Dir: t.TempDir(), ScrapeInterval: time.Second, AdminAPI: true}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Error(err)
		}
	})
	res, err := Record(context.Background(), shortIncident(srv))
	if err != nil {
		t.Fatalf("%v (Prometheus log in %s)", err, srv.Dir)
	}
	// The window is the snapshot's own span, on whole seconds (Prometheus's
	// first scrape comes up to a scrape interval after the load starts), so
	// the snapshot and the live server are replayed from the same release.
	span := runBacktest(t, res.Snapshot, time.Time{}, time.Time{}, "")
	from := time.Unix(int64(math.Ceil(span.From)), 0).UTC()
	to := time.Unix(int64(math.Floor(span.To)), 0).UTC()
	snap := runBacktest(t, res.Snapshot, from, to, "")
	if snap.Verdict.Decision != backtest.RolledBack {
		t.Errorf("snapshot: %s", snap.Verdict.Text)
	}
	if loose := runBacktest(t, res.Snapshot, from, to, "40"); loose.Verdict.Decision != backtest.Promoted {
		t.Errorf("snapshot, min 40: %s", loose.Verdict.Text)
	}
	live := runBacktest(t, res.URL, from, to, "")
	if live.Verdict.Decision != snap.Verdict.Decision || !sameTime(live.Verdict.At, snap.Verdict.At) {
		t.Errorf("the live server and its snapshot disagree:\nlive:     %s\nsnapshot: %s", live.Verdict.Text, snap.Verdict.Text)
	}
	t.Logf("snapshot: %s\nlive: %s", snap.Verdict.Text, live.Verdict.Text)
	// A stopped server's data directory (blocks, WAL) reads as its snapshot.
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	dataDir := runBacktest(t, filepath.Join(srv.Dir, "data"), from, to, "")
	if dataDir.Verdict.Text != snap.Verdict.Text {
		t.Errorf("the data directory and its snapshot disagree:\ndata:     %s\nsnapshot: %s", dataDir.Verdict.Text, snap.Verdict.Text)
	}
}

func sameTime(a, b *float64) bool { return a != nil && b != nil && *a == *b }

// runBacktest backtests the short Canary over source, with a success-rate
// minimum of min when given.
func runBacktest(t *testing.T, source string, from, to time.Time, min string) *backtestreport.Backtest {
	t.Helper()
	sc := scenarioFor(t, source, from, to)
	if min != "" {
		cd, err := sweep.Apply(sc.Canary, []sweepreport.Setting{{Path: "metrics[request-success-rate].thresholdRange.min", Value: min}})
		if err != nil {
			t.Fatal(err)
		}
		sc.Canary = cd
	}
	b, err := backtest.Run(context.Background(), sc, backtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Run.Error != "" {
		t.Fatal(b.Run.Error)
	}
	return b
}

func scenarioFor(t *testing.T, source string, from, to time.Time) *scenarios.Scenario {
	t.Helper()
	canary, err := filepath.Abs("testdata/canary-short.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]any{"apiVersion": scenarios.APIVersion, "kind": scenarios.Kind, "metadata": map[string]any{"name": "fresh"},
		"spec": map[string]any{"manifests": []string{canary}, "recording": map[string]any{"source": source,
			"canary":  "destination_workload_namespace=shop,destination_workload=podinfo-v2",
			"primary": "destination_workload_namespace=shop,destination_workload=podinfo",
			"from":    from.Format(time.RFC3339), "to": to.Format(time.RFC3339)}}}
	data, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Parse(filepath.Join(t.TempDir(), "fresh.yaml"), data)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestRecordFixture re-records the shipped recording,
// fixtures/recordings/podinfo-releases: thirteen minutes of podinfo with
// two releases beside it, podinfo-v2 (failing 20% of its requests from
// 6m20s) and podinfo-v3 (healthy), each on 20% of its own 20 requests a
// second, scraped every 5s as Flagger's bundled Prometheus does. It runs
// only with REHEARSE_RECORD_FIXTURE=1 and takes about 14 minutes.
func TestRecordFixture(t *testing.T) {
	if os.Getenv("REHEARSE_RECORD_FIXTURE") == "" {
		t.Skip("set REHEARSE_RECORD_FIXTURE=1 to re-record fixtures/recordings/podinfo-releases (14 minutes)")
	}
	needPrometheus(t)
	srv := &realprom.Server{Dir: t.TempDir(), ScrapeInterval: 5 * time.Second, AdminAPI: true}
	defer srv.Stop()
	cfg := Config{Namespace: "shop", Prometheus: srv, Length: 13 * time.Minute, Seed: 2026,
		Workloads: []Workload{{Name: "podinfo"}, {Name: "podinfo-v2", FaultAt: 6*time.Minute + 20*time.Second, FaultSuccessRate: 80},
			{Name: "podinfo-v3"}},
		Splits: []Split{{Primary: "podinfo", Canary: "podinfo-v2", Weight: 20, RPS: 20},
			{Primary: "podinfo", Canary: "podinfo-v3", Weight: 20, RPS: 20}}}
	res, err := Record(context.Background(), cfg)
	if err != nil {
		t.Fatalf("%v (Prometheus log in %s)", err, srv.Dir)
	}
	dst := filepath.Join("..", "..", "..", "fixtures", "recordings", "podinfo-releases")
	if err := os.RemoveAll(dst); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dst, os.DirFS(res.Snapshot)); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s to %s; podinfo-v2 fails from %s",
		res.Start.UTC().Format(time.RFC3339), res.End.UTC().Format(time.RFC3339),
		res.Start.Add(cfg.Workloads[1].FaultAt).UTC().Format(time.RFC3339))
}
