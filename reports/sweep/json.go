// This file writes sweep.json (the summary and the raw result) and reads a
// result back, from a sweep.json or a bare result, for merging shards.

package sweepreport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/rehearse-dev/rehearse/reports/internal/jsonwire"
)

// sweepDocument is sweep.json: the summary a user reads, and the raw
// result, so reports can be rendered again or shards merged later.
type sweepDocument struct {
	Summary Summary `json:"summary"`
	Result  Result  `json:"result"`
}

// WriteJSON writes {"summary": ..., "result": ...}, indented, with samples
// sorted by combination, scenario and seed and no null lists.
func (o Options) WriteJSON(w io.Writer, res Result) error {
	return o.write(w, res, "JSON", renderSweepJSON)
}

func renderSweepJSON(b *bytes.Buffer, res Result, sum Summary) error {
	data, err := jsonwire.Indented(sweepDocument{Summary: normalizedSummary(sum), Result: normalizedSweep(res)})
	b.Write(data)
	return err
}

// ReadJSON reads the raw result back from a sweep.json written by
// WriteJSON, or from a bare result as sim/sweep writes it.
func ReadJSON(rd io.Reader) (Result, error) {
	var doc struct {
		Document *Result `json:"result"`
		Result
	}
	if err := json.NewDecoder(rd).Decode(&doc); err != nil {
		return Result{}, fmt.Errorf("read sweep JSON: %w (is this a sweep.json written by rehearse sweep?)", err)
	}
	if doc.Document != nil {
		return *doc.Document, nil
	}
	return doc.Result, nil
}

func normalizedSummary(s Summary) Summary {
	s.Combinations, s.Findings = jsonwire.NonNil(s.Combinations), jsonwire.NonNil(s.Findings)
	return s
}

// normalizedSweep copies the result with sorted samples and empty lists
// in place of nil ones.
func normalizedSweep(res Result) Result {
	res.Scenarios = jsonwire.NonNil(res.Scenarios)
	res.Axes = slices.Clone(jsonwire.NonNil(res.Axes))
	for i := range res.Axes {
		res.Axes[i].Values = jsonwire.NonNil(res.Axes[i].Values)
	}
	res.Combinations = sortedCombinations(jsonwire.NonNil(res.Combinations))
	for i := range res.Combinations {
		res.Combinations[i].Settings = jsonwire.NonNil(res.Combinations[i].Settings)
	}
	res.Samples = jsonwire.NonNil(sortedSamples(res.Samples))
	return res
}
