// This file writes every backtest report of a run beside the rehearsal's own
// reports, each scenario's files rendered before the first is written.

package backtestreport

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/reports/internal/output"
)

// WriteAll writes dir/<scenario>/backtest.md, backtest.html and
// backtest.json, one .svg chart per metric and weight.svg, besides the
// rehearsal's own reports (reports.WriteAll). Everything is rendered before the
// first file is written.
func WriteAll(dir string, bs []*Backtest) error {
	runs := make([]*reports.Run, len(bs))
	var files []output.File
	for i, b := range bs {
		runs[i] = b.Run
		more, err := backtestFiles(filepath.Join(dir, b.Run.Scenario), b)
		if err != nil {
			return err
		}
		files = append(files, more...)
	}
	if err := reports.WriteAll(dir, runs); err != nil {
		return err
	}
	for _, f := range files {
		if err := output.WriteFile(f.Path, f.Data); err != nil {
			return err
		}
	}
	return nil
}

func backtestFiles(dir string, b *Backtest) ([]output.File, error) {
	if err := output.CheckScenarioName(b.Run.Scenario); err != nil {
		return nil, err
	}
	var out []output.File
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"backtest.md", func(w *bytes.Buffer) error { return WriteMarkdown(w, b) }},
		{"backtest.html", func(w *bytes.Buffer) error { return WriteHTML(w, b) }},
		{"backtest.json", func(w *bytes.Buffer) error { return WriteJSON(w, b) }},
	} {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			return nil, err
		}
		out = append(out, output.File{Path: filepath.Join(dir, f.name), Data: buf.Bytes()})
	}
	charts, err := chartSVGs(dir, b)
	if err != nil {
		return nil, fmt.Errorf("write backtest charts for scenario %q: %w", b.Run.Scenario, err)
	}
	return append(out, charts...), nil
}

func chartSVGs(dir string, b *Backtest) ([]output.File, error) {
	var out []output.File
	for i, name := range chartFiles(b) {
		svg, err := renderChart(b, b.Metrics[i])
		if err != nil {
			return nil, err
		}
		out = append(out, output.File{Path: filepath.Join(dir, name), Data: []byte(svg)})
	}
	w, err := renderWeights(b)
	if err != nil {
		return nil, err
	}
	return append(out, output.File{Path: filepath.Join(dir, "weight.svg"), Data: []byte(w)}), nil
}
