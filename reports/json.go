// This file writes a run's JSON trace and reads one back, a metric's value
// written even when it is not finite.

package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/rehearse-dev/rehearse/reports/internal/jsonwire"
)

// WriteJSON writes the run as an indented JSON trace ending in a newline.
// Lists are never null (an empty list is []), so a trace reads the same
// whether the simulator left a list nil or empty.
func WriteJSON(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write JSON trace: no run given")
	}
	b, err := jsonwire.Indented(Normalized(r))
	if err != nil {
		return fmt.Errorf("encode JSON trace for scenario %q: %w", r.Scenario, err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write JSON trace for scenario %q: %w", r.Scenario, err)
	}
	return nil
}

// ReadJSON reads a trace written by WriteJSON, so reports can be rendered
// again from a saved run.
func ReadJSON(rd io.Reader) (*Run, error) {
	var r Run
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("read JSON trace: %w (is this a report.json written by rehearse?)", err)
	}
	return &r, nil
}

// Normalized copies the run with every nil list replaced by an empty one.
func Normalized(r *Run) *Run {
	c := *r
	c.Status = resultWord(r)
	c.Expectations = jsonwire.NonNil(c.Expectations)
	c.Ticks = slices.Clone(jsonwire.NonNil(c.Ticks))
	for i := range c.Ticks {
		c.Ticks[i].Metrics = jsonwire.NonNil(c.Ticks[i].Metrics)
		c.Ticks[i].Webhooks = jsonwire.NonNil(c.Ticks[i].Webhooks)
	}
	return &c
}

// metricWire is Metric as JSON, with numbers that may not be finite.
type metricWire struct {
	Name   string         `json:"name"`
	Value  jsonwire.Float `json:"value"`
	Min    jsonwire.Float `json:"min,omitzero"`
	Max    jsonwire.Float `json:"max,omitzero"`
	Passed bool           `json:"passed"`
	Error  string         `json:"error,omitempty"`
	Query  string         `json:"query,omitempty"`
}

// MarshalJSON writes a metric; see Metric for values that are not finite.
func (m Metric) MarshalJSON() ([]byte, error) {
	b, err := jsonwire.Compact(metricWire{m.Name, jsonwire.Float{P: m.Value}, jsonwire.Float{P: m.Min}, jsonwire.Float{P: m.Max}, m.Passed, m.Error, m.Query})
	if err != nil {
		return nil, fmt.Errorf("metric %q: %w", m.Name, err)
	}
	return b, nil
}

// UnmarshalJSON reads a metric written by MarshalJSON.
func (m *Metric) UnmarshalJSON(b []byte) error {
	var w metricWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = Metric{w.Name, w.Value.P, w.Min.P, w.Max.P, w.Passed, w.Error, w.Query}
	return nil
}
