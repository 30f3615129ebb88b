// This file renders every sweep report from one summary and writes them to
// the --out folder, only once all of them rendered.

package sweepreport

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/rehearse-dev/rehearse/reports/internal/output"
)

// sweepRenderer renders one sweep report from the result and its summary.
type sweepRenderer func(b *bytes.Buffer, res Result, sum Summary) error

// write summarizes the result and renders one report into w. Rendering
// goes to a buffer first, so a failure writes nothing.
func (o Options) write(w io.Writer, res Result, what string, render sweepRenderer) error {
	sum, err := Summarize(res, o)
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

// WriteAll writes every sweep report (sweep.csv, sweep.json, sweep.html)
// under dir, creating it as needed. The statistics are computed once, and
// all three files are rendered before the first is written, so a bad
// result leaves no folder behind.
func (o Options) WriteAll(dir string, res Result) error {
	sum, err := Summarize(res, o)
	if err != nil {
		return fmt.Errorf("write sweep reports: %w", err)
	}
	files := []struct {
		name   string
		render sweepRenderer
	}{{"sweep.csv", renderSweepCSV}, {"sweep.json", renderSweepJSON}, {"sweep.html", renderSweepHTML}}
	var rendered []output.File
	for _, f := range files {
		var b bytes.Buffer
		if err := f.render(&b, res, sum); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		rendered = append(rendered, output.File{Path: filepath.Join(dir, f.name), Data: b.Bytes()})
	}
	for _, f := range rendered {
		if err := output.WriteFile(f.Path, f.Data); err != nil {
			return err
		}
	}
	return nil
}
