package reports

import (
	"bytes"
	"fmt"
	"path/filepath"
)

// WriteBacktest writes dir/<scenario>/backtest.md, backtest.html and
// backtest.json, one .svg chart per metric and weight.svg, besides the
// rehearsal's own reports (WriteAll). Everything is rendered before the
// first file is written.
func WriteBacktest(dir string, bs []*Backtest) error {
	runs := make([]*Run, len(bs))
	var files []renderedFile
	for i, b := range bs {
		runs[i] = b.Run
		more, err := backtestFiles(filepath.Join(dir, b.Run.Scenario), b)
		if err != nil {
			return err
		}
		files = append(files, more...)
	}
	if err := WriteAll(dir, runs); err != nil {
		return err
	}
	for _, f := range files {
		if err := writeFile(f.path, f.data); err != nil {
			return err
		}
	}
	return nil
}

func backtestFiles(dir string, b *Backtest) ([]renderedFile, error) {
	if err := checkScenarioName(b.Run.Scenario); err != nil {
		return nil, err
	}
	var out []renderedFile
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"backtest.md", func(w *bytes.Buffer) error { return WriteBacktestMarkdown(w, b) }},
		{"backtest.html", func(w *bytes.Buffer) error { return WriteBacktestHTML(w, b) }},
		{"backtest.json", func(w *bytes.Buffer) error { return WriteBacktestJSON(w, b) }},
	} {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			return nil, err
		}
		out = append(out, renderedFile{path: filepath.Join(dir, f.name), data: buf.Bytes()})
	}
	charts, err := chartSVGs(dir, b)
	if err != nil {
		return nil, fmt.Errorf("write backtest charts for scenario %q: %w", b.Run.Scenario, err)
	}
	return append(out, charts...), nil
}

func chartSVGs(dir string, b *Backtest) ([]renderedFile, error) {
	var out []renderedFile
	for i, name := range chartFiles(b) {
		svg, err := renderChart(b, b.Metrics[i])
		if err != nil {
			return nil, err
		}
		out = append(out, renderedFile{path: filepath.Join(dir, name), data: []byte(svg)})
	}
	w, err := renderWeights(b)
	if err != nil {
		return nil, err
	}
	return append(out, renderedFile{path: filepath.Join(dir, "weight.svg"), data: []byte(w)}), nil
}
