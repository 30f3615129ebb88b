package reports

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
)

// sweepRenderer renders one sweep report from the result and its summary.
type sweepRenderer func(b *bytes.Buffer, res SweepResult, sum SweepSummary) error

// write summarizes the result and renders one report into w. Rendering
// goes to a buffer first, so a failure writes nothing.
func (o SweepOptions) write(w io.Writer, res SweepResult, what string, render sweepRenderer) error {
	sum, err := SummarizeSweep(res, o)
	if err != nil {
		return fmt.Errorf("write sweep %s: %w", what, err)
	}
	var b bytes.Buffer
	if err := render(&b, res, sum); err != nil {
		return fmt.Errorf("write sweep %s: %w", what, err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write sweep %s: %w", what, err)
	}
	return nil
}

// WriteSweepAll writes dir/sweep.csv, dir/sweep.json and dir/sweep.html
// with the default options.
func WriteSweepAll(dir string, res SweepResult) error {
	return SweepOptions{}.WriteAll(dir, res)
}

// WriteAll writes every sweep report under dir, creating it as needed.
// The statistics are computed once, and all three files are rendered
// before the first is written, so a bad result leaves no folder behind.
func (o SweepOptions) WriteAll(dir string, res SweepResult) error {
	sum, err := SummarizeSweep(res, o)
	if err != nil {
		return fmt.Errorf("write sweep reports: %w", err)
	}
	files := []struct {
		name   string
		render sweepRenderer
	}{{"sweep.csv", renderSweepCSV}, {"sweep.json", renderSweepJSON}, {"sweep.html", renderSweepHTML}}
	var rendered []renderedFile
	for _, f := range files {
		var b bytes.Buffer
		if err := f.render(&b, res, sum); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		rendered = append(rendered, renderedFile{path: filepath.Join(dir, f.name), data: b.Bytes()})
	}
	for _, f := range rendered {
		if err := writeFile(f.path, f.data); err != nil {
			return err
		}
	}
	return nil
}
