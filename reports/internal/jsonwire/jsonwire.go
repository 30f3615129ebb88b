// This file holds how every report encodes JSON: indented, with <, > and &
// left readable, lists never null, and numbers that may not be finite
// written as Prometheus writes them, so a run trace, a sweep and a
// backtest read alike.

package jsonwire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// Indented indents by two spaces and leaves <, > and & readable, since a
// trace is read by people as much as by programs.
func Indented(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// NonNil is s, or an empty list when s is nil, so a list is written []
// and never null.
func NonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Compact is json.Marshal without HTML escaping, so a metric's query
// reads the same as every other string of the trace.
func Compact(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Float is an optional number written as a JSON number, null, or, when
// not finite, the string Prometheus uses for it ("+Inf", "-Inf", "NaN").
type Float struct{ P *float64 }

// MarshalJSON writes the number, null, or its Prometheus text.
func (f Float) MarshalJSON() ([]byte, error) {
	switch {
	case f.P == nil:
		return []byte("null"), nil
	case math.IsNaN(*f.P) || math.IsInf(*f.P, 0):
		return []byte(`"` + text.Value(*f.P) + `"`), nil
	}
	return json.Marshal(*f.P)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		f.P = nil
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
	f.P = &v
	return nil
}

func (f *Float) parseSpecial(text string) error {
	if text != "+Inf" && text != "-Inf" && text != "NaN" {
		return fmt.Errorf("a metric value must be a number, null, \"+Inf\", \"-Inf\" or \"NaN\", not %q", text)
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return fmt.Errorf("parse metric value %q: %w", text, err)
	}
	f.P = &v
	return nil
}
