package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// WriteJSON writes the run as an indented JSON trace ending in a newline.
// Lists are never null (an empty list is []), so a trace reads the same
// whether the simulator left a list nil or empty.
func WriteJSON(w io.Writer, r *Run) error {
	if r == nil {
		return fmt.Errorf("write JSON trace: no run given")
	}
	b, err := encodeJSON(normalized(r))
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

// encodeJSON indents by two spaces and leaves <, > and & readable, since a
// trace is read by people as much as by programs.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// normalized copies the run with every nil list replaced by an empty one.
func normalized(r *Run) *Run {
	c := *r
	c.Status = resultWord(r)
	c.Expectations = nonNil(c.Expectations)
	c.Ticks = slices.Clone(nonNil(c.Ticks))
	for i := range c.Ticks {
		c.Ticks[i].Metrics = nonNil(c.Ticks[i].Metrics)
		c.Ticks[i].Webhooks = nonNil(c.Ticks[i].Webhooks)
	}
	return &c
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// metricWire is Metric as JSON, with numbers that may not be finite.
type metricWire struct {
	Name   string    `json:"name"`
	Value  wireFloat `json:"value"`
	Min    wireFloat `json:"min,omitzero"`
	Max    wireFloat `json:"max,omitzero"`
	Passed bool      `json:"passed"`
	Error  string    `json:"error,omitempty"`
	Query  string    `json:"query,omitempty"`
}

// MarshalJSON writes a metric; see Metric for values that are not finite.
func (m Metric) MarshalJSON() ([]byte, error) {
	b, err := encodeCompact(metricWire{m.Name, wireFloat{m.Value}, wireFloat{m.Min}, wireFloat{m.Max}, m.Passed, m.Error, m.Query})
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
	*m = Metric{w.Name, w.Value.p, w.Min.p, w.Max.p, w.Passed, w.Error, w.Query}
	return nil
}

// encodeCompact is json.Marshal without HTML escaping, so a metric's query
// reads the same as every other string of the trace.
func encodeCompact(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// wireFloat is an optional number written as a JSON number, null, or, when
// not finite, the string Prometheus uses for it ("+Inf", "-Inf", "NaN").
type wireFloat struct{ p *float64 }

func (f wireFloat) MarshalJSON() ([]byte, error) {
	switch {
	case f.p == nil:
		return []byte("null"), nil
	case math.IsNaN(*f.p) || math.IsInf(*f.p, 0):
		return []byte(`"` + formatValue(*f.p) + `"`), nil
	}
	return json.Marshal(*f.p)
}

func (f *wireFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		f.p = nil
		return nil
	}
	var text string
	if json.Unmarshal(b, &text) == nil {
		return f.parseSpecial(text)
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("a metric value must be a number, null, \"+Inf\", \"-Inf\" or \"NaN\": %w", err)
	}
	f.p = &v
	return nil
}

func (f *wireFloat) parseSpecial(text string) error {
	if text != "+Inf" && text != "-Inf" && text != "NaN" {
		return fmt.Errorf("a metric value must be a number, null, \"+Inf\", \"-Inf\" or \"NaN\", not %q", text)
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return fmt.Errorf("parse metric value %q: %w", text, err)
	}
	f.p = &v
	return nil
}
