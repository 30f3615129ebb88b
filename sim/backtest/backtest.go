// This file is a backtest's entry points: Prepare checks a recording
// scenario's recording before anything runs, Run rehearses the Canary over
// it and puts the verdict, charts and mapping into one report.

package backtest

import (
	"context"
	"errors"
	"fmt"
	"time"

	backtestreport "github.com/rehearse-dev/rehearse/reports/backtest"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim"
	"github.com/rehearse-dev/rehearse/sim/backtest/recording"
)

// ErrNoRecording is a scenario without spec.recording given to Run.
var ErrNoRecording = errors.New("the scenario has no spec.recording: a backtest replays recorded metrics")

// Options are a backtest's settings beyond the scenario.
type Options struct {
	// Provider is the mesh provider of Canaries that name none, as
	// Flagger's -mesh-provider flag sets it (empty: istio).
	Provider string
}

// Prepare reads and checks a recording scenario's recording for its
// Canary, so that a bad recording is refused before anything runs. Its
// errors wrap recording.ErrUnreachable when a live Prometheus could not
// be asked.
func Prepare(ctx context.Context, sc *scenarios.Scenario, opts Options) (*recording.Prepared, error) {
	rec := sc.Recording
	if rec == nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, ErrNoRecording)
	}
	m := recording.Mapping{Canary: rec.Canary, Primary: rec.Primary}
	p, err := recording.Prepare(ctx, sim.RecordingSpec(rec), m, sc.Canary, sc.Canary.ProviderFor(opts.Provider).Name, sc.Manifests.MetricTemplate)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	return p, nil
}

// Run backtests one recording scenario: it rehearses the Canary over the
// recording, evaluates the Canary's queries over the window and words
// the verdict in the recording's time.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (*backtestreport.Backtest, error) {
	p, err := Prepare(ctx, sc, opts)
	if err != nil {
		return nil, err
	}
	r := sim.Run(ctx, sc, sim.Options{Provider: opts.Provider})
	release := p.Window.From.Add(sc.Release.At)
	ms, err := evaluate(ctx, p, r, release)
	if err != nil {
		return nil, err
	}
	b := &backtestreport.Backtest{Run: r, Source: p.Recording.Source, Format: p.Recording.Format,
		From: unix(p.Window.From), To: unix(p.Window.To), Release: unix(release), Metrics: ms,
		Mapping: mappingLines(p), Warnings: p.Warnings}
	b.Verdict = verdict(b)
	return b, nil
}

func unix(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func mappingLines(p *recording.Prepared) []string {
	var out []string
	for _, r := range p.Mapped.Renames {
		out = append(out, r.String())
	}
	if len(out) == 0 {
		out = append(out, "none: the recorded series already carry the Canary's names")
	}
	return out
}

// Decisions a backtest can reach.
const (
	RolledBack = "rolled back"
	Promoted   = "promoted"
	Undecided  = "undecided"
)

// decisionOf names the run's decision.
func decisionOf(r *reports.Run) string {
	switch r.Outcome {
	case string(v1beta1.CanaryPhaseFailed):
		return RolledBack
	case string(v1beta1.CanaryPhaseSucceeded):
		return Promoted
	}
	return Undecided
}
