package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// sweepDocument is sweep.json: the summary a user reads, and the raw
// result, so reports can be rendered again or shards merged later.
type sweepDocument struct {
	Summary SweepSummary `json:"summary"`
	Result  SweepResult  `json:"result"`
}

// WriteSweepJSON writes the summary and the raw result with the default
// options.
func WriteSweepJSON(w io.Writer, res SweepResult) error {
	return SweepOptions{}.WriteJSON(w, res)
}

// WriteJSON writes {"summary": ..., "result": ...}, indented, with samples
// sorted by combination, scenario and seed and no null lists.
func (o SweepOptions) WriteJSON(w io.Writer, res SweepResult) error {
	return o.write(w, res, "JSON", renderSweepJSON)
}

func renderSweepJSON(b *bytes.Buffer, res SweepResult, sum SweepSummary) error {
	data, err := encodeJSON(sweepDocument{Summary: normalizedSummary(sum), Result: normalizedSweep(res)})
	b.Write(data)
	return err
}

// ReadSweepJSON reads the raw result back from a sweep.json written by
// WriteSweepJSON, or from a bare result as sim/sweep writes it.
func ReadSweepJSON(rd io.Reader) (SweepResult, error) {
	var doc struct {
		Result *SweepResult `json:"result"`
		SweepResult
	}
	if err := json.NewDecoder(rd).Decode(&doc); err != nil {
		return SweepResult{}, fmt.Errorf("read sweep JSON: %w (is this a sweep.json written by rehearse sweep?)", err)
	}
	if doc.Result != nil {
		return *doc.Result, nil
	}
	return doc.SweepResult, nil
}

func normalizedSummary(s SweepSummary) SweepSummary {
	s.Combinations, s.Findings = nonNil(s.Combinations), nonNil(s.Findings)
	return s
}

// normalizedSweep copies the result with sorted samples and empty lists
// in place of nil ones.
func normalizedSweep(res SweepResult) SweepResult {
	res.Scenarios = nonNil(res.Scenarios)
	res.Axes = slices.Clone(nonNil(res.Axes))
	for i := range res.Axes {
		res.Axes[i].Values = nonNil(res.Axes[i].Values)
	}
	res.Combinations = sortedCombinations(nonNil(res.Combinations))
	for i := range res.Combinations {
		res.Combinations[i].Settings = nonNil(res.Combinations[i].Settings)
	}
	res.Samples = nonNil(sortedSamples(res.Samples))
	return res
}
