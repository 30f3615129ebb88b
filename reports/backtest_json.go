package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// WriteBacktestJSON writes the backtest as indented JSON: the rehearsal's
// trace, the window, the verdict and every metric's values. Values that
// are not finite are written as Prometheus writes them ("+Inf").
func WriteBacktestJSON(w io.Writer, b *Backtest) error {
	if b == nil || b.Run == nil {
		return fmt.Errorf("write backtest JSON: no backtest given")
	}
	c := *b
	c.Run = normalized(b.Run)
	c.Mapping = nonNil(c.Mapping)
	c.Metrics = slices.Clone(nonNil(c.Metrics))
	for i := range c.Metrics {
		c.Metrics[i].Points = nonNil(c.Metrics[i].Points)
		c.Metrics[i].Checks = nonNil(c.Metrics[i].Checks)
	}
	out, err := encodeJSON(&c)
	if err != nil {
		return fmt.Errorf("encode backtest JSON for scenario %q: %w", b.Run.Scenario, err)
	}
	_, err = w.Write(out)
	return err
}

// MarshalJSON writes a point as [t, value], value null when no values.
func (p BacktestPoint) MarshalJSON() ([]byte, error) {
	v, err := wireFloat{p.V}.MarshalJSON()
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
	Tick   int       `json:"tick"`
	T      float64   `json:"t"`
	V      wireFloat `json:"v"`
	Passed bool      `json:"passed"`
}

// MarshalJSON writes a check, its value possibly not finite.
func (c BacktestCheck) MarshalJSON() ([]byte, error) {
	return encodeCompact(checkWire{c.Tick, c.T, wireFloat{c.V}, c.Passed})
}
