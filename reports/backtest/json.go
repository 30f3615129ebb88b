// This file writes backtest.json: the rehearsal, the window, the verdict and
// each metric's points and checks, numbers that may not be finite included.

package backtestreport

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/reports/internal/jsonwire"
)

// WriteJSON writes the backtest as indented JSON: the rehearsal's
// trace, the window, the verdict and every metric's values. Values that
// are not finite are written as Prometheus writes them ("+Inf").
func WriteJSON(w io.Writer, b *Backtest) error {
	if b == nil || b.Run == nil {
		return fmt.Errorf("write backtest JSON: no backtest given")
	}
	c := *b
	c.Run = reports.Normalized(b.Run)
	c.Mapping = jsonwire.NonNil(c.Mapping)
	c.Metrics = slices.Clone(jsonwire.NonNil(c.Metrics))
	for i := range c.Metrics {
		c.Metrics[i].Points = jsonwire.NonNil(c.Metrics[i].Points)
		c.Metrics[i].Checks = jsonwire.NonNil(c.Metrics[i].Checks)
	}
	out, err := jsonwire.Indented(&c)
	if err != nil {
		return fmt.Errorf("encode backtest JSON for scenario %q: %w", b.Run.Scenario, err)
	}
	_, err = w.Write(out)
	return err
}

// MarshalJSON writes a point as [t, value], value null when no values.
func (p Point) MarshalJSON() ([]byte, error) {
	v, err := jsonwire.Float{P: p.V}.MarshalJSON()
	if err != nil {
		return nil, err
	}
	t, err := json.Marshal(p.T)
	if err != nil {
		return nil, err
	}
	return []byte("[" + string(t) + "," + string(v) + "]"), nil
}

type checkWire struct {
	Tick   int            `json:"tick"`
	T      float64        `json:"t"`
	V      jsonwire.Float `json:"v"`
	Passed bool           `json:"passed"`
}

// MarshalJSON writes a check, its value possibly not finite.
func (c Check) MarshalJSON() ([]byte, error) {
	return jsonwire.Compact(checkWire{c.Tick, c.T, jsonwire.Float{P: c.V}, c.Passed})
}
