// This file tests backtests over the hand-written checkout recording:
// the README's verdict and its golden reports, a looser threshold, a
// window too short, vanished canary series, and charts that agree with
// the checks and with the same values replayed as a script.

package backtest

import (
	"bytes"
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	backtestreport "github.com/rehearse-dev/rehearse/reports/backtest"
	sweepreport "github.com/rehearse-dev/rehearse/reports/sweep"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
	"github.com/rehearse-dev/rehearse/sim/sweep"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

const recordings = "../../fixtures/recordings"

func load(t *testing.T, name string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.LoadFile(filepath.Join(recordings, name))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func with(t *testing.T, sc *scenarios.Scenario, path, value string) *scenarios.Scenario {
	t.Helper()
	cd, err := sweep.Apply(sc.Canary, []sweepreport.Setting{{Path: path, Value: value}})
	if err != nil {
		t.Fatal(err)
	}
	c := *sc
	c.Canary = cd
	return &c
}

func backtest(t *testing.T, sc *scenarios.Scenario) *backtestreport.Backtest {
	t.Helper()
	b, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Run.Error != "" {
		t.Fatal(b.Run.Error)
	}
	return b
}

// TestHandWrittenIncident is the worked example of the README: the
// podinfo Canary's policy over the hand-written checkout recording.
func TestHandWrittenIncident(t *testing.T) {
	b := backtest(t, load(t, "checkout-incident.yaml"))
	want := "would have rolled back at 14:10 UTC, 5m15s after request-success-rate first fell below 99 (at 14:04:45), with 30% of traffic on the release"
	if b.Verdict.Text != want || b.Verdict.Decision != RolledBack || b.Verdict.Weight != 30 {
		t.Errorf("verdict %q (%s, %d%%),\nwant %q", b.Verdict.Text, b.Verdict.Decision, b.Verdict.Weight, want)
	}
	goldens(t, "checkout-incident", b)
}

// TestLooserThresholdPromotes: the same recording with a minimum the
// failing release still meets (it answered 70%) promotes.
func TestLooserThresholdPromotes(t *testing.T) {
	sc := with(t, load(t, "checkout-incident.yaml"), "metrics[request-success-rate].thresholdRange.min", "60")
	b := backtest(t, sc)
	want := "would have promoted at 14:09 UTC: every check passed with up to 50% of traffic on the release"
	if b.Verdict.Text != want || b.Verdict.Decision != Promoted {
		t.Errorf("verdict %q, want %q", b.Verdict.Text, want)
	}
}

// TestUndecidedWhenTheWindowEnds: a window too short for a decision
// says where the rollout stood, not "promoted".
func TestUndecidedWhenTheWindowEnds(t *testing.T) {
	sc := load(t, "checkout-incident.yaml")
	r := *sc.Recording
	r.From = time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	r.To = r.From.Add(7*time.Minute + 30*time.Second)
	c := *sc
	c.Recording = &r
	b := backtest(t, &c)
	want := "would not have decided by the end of the recording (14:07:30 UTC): Progressing with 30% of traffic on the release and 3 failed checks"
	if b.Verdict.Text != want || b.Verdict.Decision != Undecided {
		t.Errorf("verdict %q, want %q", b.Verdict.Text, want)
	}
}

// TestVerdictMatchesTheScript replays, as a script, the values the
// engine read from the recording: the engine must decide the same, tick
// for tick.
func TestVerdictMatchesTheScript(t *testing.T) {
	for _, sc := range []*scenarios.Scenario{load(t, "checkout-incident.yaml"),
		with(t, load(t, "checkout-incident.yaml"), "analysis.threshold", "2")} {
		b := backtest(t, sc)
		scripted := sim.Run(context.Background(), scriptOf(sc, b.Run), sim.Options{})
		if scripted.Error != "" {
			t.Fatal(scripted.Error)
		}
		sameDecisions(t, b.Run, scripted)
	}
}

// scriptOf is the scenario with the recording replaced by a script of
// the values each tick measured.
func scriptOf(sc *scenarios.Scenario, r *reports.Run) *scenarios.Scenario {
	c := *sc
	c.Recording, c.Expect = nil, scenarios.Expect{}
	for _, tk := range r.Ticks {
		st := scenarios.ScriptTick{Tick: tk.Tick, Metrics: map[string]scenarios.MetricAnswer{}}
		for _, m := range tk.Metrics {
			switch {
			case m.Value != nil:
				st.Metrics[m.Name] = scenarios.MetricAnswer{Value: *m.Value}
			case m.Error == "no values found":
				st.Metrics[m.Name] = scenarios.MetricAnswer{NoValue: true}
			default:
				st.Metrics[m.Name] = scenarios.MetricAnswer{Error: m.Error}
			}
		}
		c.Script = append(c.Script, st)
	}
	return &c
}

func sameDecisions(t *testing.T, recorded, scripted *reports.Run) {
	t.Helper()
	if len(recorded.Ticks) != len(scripted.Ticks) || recorded.Outcome != scripted.Outcome {
		t.Fatalf("recorded: %d ticks, %s; scripted: %d ticks, %s", len(recorded.Ticks), recorded.Outcome, len(scripted.Ticks), scripted.Outcome)
	}
	for i, a := range recorded.Ticks {
		s := scripted.Ticks[i]
		if a.Phase != s.Phase || a.CanaryWeight != s.CanaryWeight || a.PrimaryWeight != s.PrimaryWeight ||
			a.FailedChecks != s.FailedChecks || a.Iterations != s.Iterations {
			t.Errorf("tick %d: recorded %s %d/%d failed %d; scripted %s %d/%d failed %d", a.Tick,
				a.Phase, a.PrimaryWeight, a.CanaryWeight, a.FailedChecks, s.Phase, s.PrimaryWeight, s.CanaryWeight, s.FailedChecks)
		}
	}
}

// TestChartAgreesWithTheChecks: the report's curve is the Canary's own
// query over the same samples, so at every check it reads what the
// engine read.
func TestChartAgreesWithTheChecks(t *testing.T) {
	b := backtest(t, load(t, "checkout-incident.yaml"))
	for _, m := range b.Metrics {
		at := map[float64]*float64{}
		for _, p := range m.Points {
			at[p.T] = p.V
		}
		for _, c := range m.Checks {
			v, ok := at[c.T]
			if !ok {
				t.Fatalf("%s: no point at the check of tick %d", m.Name, c.Tick)
			}
			if (v == nil) != (c.V == nil) || (v != nil && math.Abs(*v-*c.V) > 1e-9) {
				t.Errorf("%s tick %d: chart %v, check %v", m.Name, c.Tick, deref(v), deref(c.V))
			}
		}
		if len(m.Checks) == 0 {
			t.Errorf("%s has no checks", m.Name)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// goldens compares the backtest's reports with testdata/<name>.*.
func goldens(t *testing.T, name string, b *backtestreport.Backtest) {
	t.Helper()
	for ext, write := range map[string]func(*bytes.Buffer) error{
		"md":   func(w *bytes.Buffer) error { return backtestreport.WriteMarkdown(w, b) },
		"html": func(w *bytes.Buffer) error { return backtestreport.WriteHTML(w, b) },
		"json": func(w *bytes.Buffer) error { return backtestreport.WriteJSON(w, b) },
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", name+"."+ext+".golden")
		if *update {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./sim/backtest -update writes it)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s differs from the golden file (go test ./sim/backtest -update if intended)", path)
		}
	}
}

// TestCanaryGoneIsNoPromotion: when the canary's series stop (its pods
// went away, the recording lost them), the checks find no values and the
// policy rolls back, saying so; the report warns about the stretch.
func TestCanaryGoneIsNoPromotion(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(recordings, "checkout-incident.om"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(strings.TrimSuffix(string(src), "\n"), "\n") {
		f := strings.Fields(line)
		if strings.Contains(line, `"checkout-v2"`) && len(f) == 3 && f[2] > "1773151380" { // after 14:03
			continue
		}
		kept = append(kept, line)
	}
	path := filepath.Join(t.TempDir(), "gone.om")
	if err := os.WriteFile(path, []byte(strings.Join(kept, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sc := load(t, "checkout-incident.yaml")
	r := *sc.Recording
	r.Source = path
	c := *sc
	c.Recording = &r
	b := backtest(t, &c)
	want := "would have rolled back at 14:09 UTC: request-success-rate found no values from 14:04 on (the recording has no samples its query reads there), with 20% of traffic on the release"
	if b.Verdict.Text != want {
		t.Errorf("verdict %q,\nwant %q", b.Verdict.Text, want)
	}
	if w := strings.Join(b.Warnings, "\n"); !strings.Contains(w, "no samples of istio_requests_total") {
		t.Errorf("warnings %q do not name the stretch without samples", b.Warnings)
	}
}
