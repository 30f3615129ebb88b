// This file reads one number from a Prometheus /api/v1/query answer as Flagger does: the last
// series wins, a scalar is read, NaN or nothing is no value.

package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// apiAnswer is the part of a /api/v1/query answer rehearse reads.
type apiAnswer struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

// sample is one element of a vector: only the value matters.
type sample struct {
	Value []json.RawMessage `json:"value"`
}

func decodeValue(body []byte) (float64, error) {
	if v, found, ok := canonicalValue(body); ok {
		return valueOrNone(v, found)
	}
	return decodeJSON(body)
}

// valueOrNone is a read value, or ErrNoValuesFound for none or NaN.
func valueOrNone(v float64, found bool) (float64, error) {
	if !found || math.IsNaN(v) {
		return 0, ErrNoValuesFound
	}
	return v, nil
}

// decodeJSON reads any answer with encoding/json.
func decodeJSON(body []byte) (float64, error) {
	var a apiAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return 0, fmt.Errorf("prometheus answer is not the JSON of /api/v1/query (%v): %s", err, snippet(body))
	}
	if a.Status == "error" {
		return 0, fmt.Errorf("prometheus reported an error: %s", a.Error)
	}
	v, found, err := resultValue(a.Data.ResultType, a.Data.Result)
	if err != nil {
		return 0, err
	}
	return valueOrNone(v, found)
}

// resultValue reads the one number of a result. An answer with no result at
// all is treated like an empty vector, as Flagger's decoding does.
func resultValue(kind string, raw json.RawMessage) (float64, bool, error) {
	switch kind {
	case "vector", "":
		return lastSampleValue(raw)
	case "scalar":
		v, err := pairValue(raw)
		return v, err == nil, err
	case "matrix":
		return 0, false, ErrMultipleValuesReturned
	}
	return 0, false, fmt.Errorf("prometheus returned a %s result; the query must return a number", kind)
}

// lastSampleValue keeps the last series' value, as Flagger does when a
// query returns several series.
func lastSampleValue(raw json.RawMessage) (float64, bool, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false, nil
	}
	var samples []sample
	if err := json.Unmarshal(raw, &samples); err != nil {
		return 0, false, fmt.Errorf("prometheus vector result is malformed: %w", err)
	}
	var v float64
	found := false
	for _, s := range samples {
		f, ok, err := sampleValue(s.Value)
		if err != nil {
			return 0, false, err
		}
		if ok {
			v, found = f, true
		}
	}
	return v, found, nil
}

// sampleValue reads the second element of [time, "value"]. Like Flagger, a
// value that is not a string is skipped rather than rejected.
func sampleValue(pair []json.RawMessage) (float64, bool, error) {
	if len(pair) != 2 {
		return 0, false, fmt.Errorf("prometheus sample has %d elements, want [time, value]", len(pair))
	}
	var s string
	if json.Unmarshal(pair[1], &s) != nil {
		return 0, false, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, fmt.Errorf("prometheus sample value %q is not a number: %w", s, err)
	}
	return f, true, nil
}

func pairValue(raw json.RawMessage) (float64, error) {
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil {
		return 0, fmt.Errorf("prometheus scalar result is malformed: %w", err)
	}
	f, ok, err := sampleValue(pair)
	if err == nil && !ok {
		err = fmt.Errorf("prometheus scalar value is not a string: %s", snippet(raw))
	}
	return f, err
}
