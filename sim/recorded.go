// This file is a recording scenario's part of the world: the recorded
// series answer the Canary's queries and bound the run.

package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backtest/recording"
)

// loadRecording loads a recording scenario's series (spec.recording) into
// the world's Prometheus in place of the traffic model: mapped onto the
// Canary's names as the cluster holds them, and shifted so that the
// window's start is the run's time 0. The engine then queries them with
// its own client; the weights it sets move no recorded traffic.
func (w *world) loadRecording(ctx context.Context) error {
	rec := w.sc.Recording
	if rec == nil {
		return nil
	}
	p, err := recording.Prepare(ctx, RecordingSpec(rec), recording.Mapping{Canary: rec.Canary, Primary: rec.Primary},
		w.cluster.cd, w.provider, w.cluster.template)
	if err != nil {
		return err
	}
	if err := p.Mapped.AppendTo(w.prom, epoch.Sub(p.Window.From)); err != nil {
		return err
	}
	w.recorded = p
	return w.prom.Commit()
}

// RecordingSpec is what the recording reader needs of spec.recording.
func RecordingSpec(r *scenarios.Recording) recording.Spec {
	return recording.Spec{Source: r.Source, From: r.From, To: r.To, Step: r.Step}
}

// recordedLimit ends a recording's run at the window's end: after it the
// checks would find no values only because the recording stops.
func (w *world) recordedLimit(limit time.Duration) time.Duration {
	if w.recorded == nil {
		return limit
	}
	return min(limit, w.recorded.Window.To.Sub(w.recorded.Window.From)-w.sc.Release.At)
}

// recordedNotes say where the metrics came from and what the recording
// could not give.
func (w *world) recordedNotes() []string {
	p := w.recorded
	if p == nil {
		return nil
	}
	notes := []string{fmt.Sprintf("metrics from a recording: %s (%s), %s; the weights the engine set are reported but move no traffic: the recording's traffic is what it was",
		p.Recording.Source, p.Recording.Format, p.Window)}
	for _, r := range p.Mapped.Renames {
		notes = append(notes, "mapping: "+r.String())
	}
	return append(notes, p.Warnings...)
}
