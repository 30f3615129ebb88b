// This file is the world's metrics part: the synthetic Prometheus, the
// stand-ins for the templates' other metrics providers, and the recording
// a recording scenario answers from; together they answer the engine's
// metric queries.

package sim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/scenarios"
	"github.com/rehearse-dev/rehearse/sim/backtest/recording"
	"github.com/rehearse-dev/rehearse/sim/fault"
	"github.com/rehearse-dev/rehearse/sim/virtual/metricapi"
	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
)

// promTimeout is the Prometheus provider's query timeout (Flagger's 5s).
const promTimeout = 5 * time.Second

// metricServers owns what answers the engine's metric queries. Its
// Prometheus is nil when the scenario scripts every answer.
type metricServers struct {
	prom *prom.Server
	base string // the Prometheus's address, as the Canary and templates name it
	// api stands in for the templates' other metrics providers.
	api *metricapi.Server
	// recorded is the recording answering the metrics, if the scenario has one.
	recorded *recording.Prepared
	close    func() error // gives the Prometheus back to its pool
}

// openMetrics takes an empty synthetic Prometheus from pool, or from a pool
// of its own when pool is nil; inProcess says the run is in virtual time.
func openMetrics(pool *promPool, inProcess bool) (metricServers, error) {
	own := pool == nil
	if own {
		pool = &promPool{}
	}
	p, err := pool.get(inProcess)
	if err != nil {
		if own {
			err = errors.Join(err, pool.close())
		}
		return metricServers{}, err
	}
	m := metricServers{prom: p.srv, base: p.base, close: func() error { return pool.put(p) }}
	if own {
		m.close = func() error { return errors.Join(pool.put(p), pool.close()) }
	}
	return m, nil
}

// loadSeries loads the scenario's raw series into Prometheus.
func (m *metricServers) loadSeries(series []scenarios.Series) error {
	for _, s := range series {
		for i, v := range s.Values {
			if v.Omitted {
				continue
			}
			t := epoch.Add(s.Start + time.Duration(i)*s.Interval)
			if err := m.prom.Append(s.Labels, t.UnixMilli(), v.Value); err != nil {
				return fmt.Errorf("series %s: %w", s.Metric, err)
			}
		}
	}
	return m.prom.Commit()
}

// standIn starts the stand-ins for the other providers, answering for the
// Canary's names as the cluster holds them at the virtual time now gives.
func (m *metricServers) standIn(cd *v1beta1.Canary, now func() time.Time) {
	m.api = metricapi.New(metricapi.NamesOf(cd), now)
}

// loadRecording loads a recording scenario's series (spec.recording) into
// Prometheus in place of the traffic model: mapped onto the Canary's names
// as the cluster holds them, and shifted so that the window's start is the
// run's time 0. The engine then queries them with its own client; the
// weights it sets move no recorded traffic.
func (m *metricServers) loadRecording(ctx context.Context, rec *scenarios.Recording, cd *v1beta1.Canary, provider string, templates recording.Templates) error {
	if rec == nil {
		return nil
	}
	p, err := recording.Prepare(ctx, RecordingSpec(rec), recording.Mapping{Canary: rec.Canary, Primary: rec.Primary},
		cd, provider, templates)
	if err != nil {
		return err
	}
	if err := p.Mapped.AppendTo(m.prom, epoch.Sub(p.Window.From)); err != nil {
		return err
	}
	m.recorded = p
	return m.prom.Commit()
}

// RecordingSpec is what the recording reader needs of spec.recording.
func RecordingSpec(r *scenarios.Recording) recording.Spec {
	return recording.Spec{Source: r.Source, From: r.From, To: r.To, Step: r.Step}
}

// recordedLimit ends a recording's run at the window's end (released at
// release after time 0): after it the checks would find no values only
// because the recording stops.
func (m *metricServers) recordedLimit(limit, release time.Duration) time.Duration {
	if m.recorded == nil {
		return limit
	}
	return min(limit, m.recorded.Window.To.Sub(m.recorded.Window.From)-release)
}

// recordedNotes say where the metrics came from and what the recording
// could not give.
func (m *metricServers) recordedNotes() []string {
	p := m.recorded
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

// faults reaches the synthetic Prometheus (none when a script answers)
// and the engine's queries of it, with the provider's timeout shrunk like
// the world's time.
func (m *metricServers) faults(plan *fault.Plan) fault.Prometheus {
	p := fault.Prometheus{Plan: plan, Timeout: time.Duration(float64(promTimeout) * timeScale)}
	if m.prom != nil {
		p.Server = m.prom
	}
	return p
}

// client is what the engine queries the metrics with: through sockets, or,
// inProcess, straight to Prometheus's handler (the same bytes, without a
// loopback socket). Prometheus faults decorate the transport; other
// providers' APIs are answered by their stand-ins before it, whatever
// Prometheus's state.
func (m *metricServers) client(sockets http.RoundTripper, inProcess bool, plan *fault.Plan) *http.Client {
	transport := sockets
	if inProcess {
		transport = m.prom.Transport()
	}
	return &http.Client{Transport: m.api.Transport(m.faults(plan).Transport(transport))}
}
