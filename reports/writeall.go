// This file writes a rehearsal's whole report set under --out: each run's
// JSON trace and Markdown report, JUnit and the summary, all rendered before
// the first is written.

package reports

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/rehearse-dev/rehearse/reports/internal/output"
)

// WriteAll writes every report of a rehearsal under dir:
// dir/<scenario>/report.json and report.md for each run, and dir/junit.xml
// and dir/summary.md for all of them. Folders are created as needed. All
// reports are rendered before the first file is written, so a bad run
// leaves no half-written folder; the set replaces the one an earlier run
// wrote there (see output.WriteSet).
func WriteAll(dir string, runs []*Run) error {
	files, err := renderAll(runs)
	if err != nil {
		return err
	}
	return output.WriteSet(dir, files)
}

func renderAll(runs []*Run) ([]output.File, error) {
	sorted, err := sortedRuns(runs)
	if err != nil {
		return nil, fmt.Errorf("write reports: %w", err)
	}
	if err := checkScenarioNames(sorted); err != nil {
		return nil, err
	}
	files, err := renderRuns(sorted)
	if err != nil {
		return nil, err
	}
	return appendRunReports(files, sorted)
}

// renderRuns renders each run's JSON trace and Markdown report on every
// core, since the runs' reports do not depend on each other (issue 13:
// the library's 36 took ~6 ms of CPU one after another). The files keep
// the runs' order, and the first run's error in that order is returned.
func renderRuns(runs []*Run) ([]output.File, error) {
	files := make([]output.File, 2*len(runs))
	errs := make([]error, len(runs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(runs)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(runs); i = int(next.Add(1)) - 1 {
				files[2*i], files[2*i+1], errs[i] = renderRun(runs[i])
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// renderRun renders one run's JSON trace and Markdown report.
func renderRun(r *Run) (trace, md output.File, err error) {
	trace.Path, md.Path = filepath.Join(r.Scenario, "report.json"), filepath.Join(r.Scenario, "report.md")
	if trace.Data, err = render(func(w io.Writer) error { return WriteJSON(w, r) }); err != nil {
		return trace, md, err
	}
	md.Data, err = render(func(w io.Writer) error { return WriteMarkdown(w, r) })
	return trace, md, err
}

// appendRunReports adds the reports that cover every run.
func appendRunReports(files []output.File, runs []*Run) ([]output.File, error) {
	junit, err := render(func(w io.Writer) error { return WriteJUnit(w, runs) })
	if err != nil {
		return nil, err
	}
	summary, err := render(func(w io.Writer) error { return WriteSummary(w, runs) })
	if err != nil {
		return nil, err
	}
	return append(files, output.File{Path: "junit.xml", Data: junit}, output.File{Path: "summary.md", Data: summary}), nil
}

func render(write func(io.Writer) error) ([]byte, error) {
	var b bytes.Buffer
	err := write(&b)
	return b.Bytes(), err
}

// checkScenarioNames makes sure every run gets its own folder.
func checkScenarioNames(runs []*Run) error {
	seen := make(map[string]bool, len(runs))
	for _, r := range runs {
		if err := output.CheckScenarioName(r.Scenario); err != nil {
			return err
		}
		if seen[r.Scenario] {
			return fmt.Errorf("two runs are named %q: each scenario's reports need a folder of their own, so give the scenarios distinct names", r.Scenario)
		}
		seen[r.Scenario] = true
	}
	return nil
}

// WriteFile writes one report file of a command's own (validate's
// summary) the way every report is written, so it is never torn either
// (see output.WriteFile).
func WriteFile(path string, data []byte) error { return output.WriteFile(path, data) }
