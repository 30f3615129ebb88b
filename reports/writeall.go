package reports

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
)

// WriteAll writes every report of a rehearsal under dir:
// dir/<scenario>/report.json and report.md for each run, and dir/junit.xml
// and dir/summary.md for all of them. Folders are created as needed. All
// reports are rendered before the first file is written, so a bad run
// leaves no half-written folder; the set replaces the one an earlier run
// wrote there (see writeSet).
func WriteAll(dir string, runs []*Run) error {
	files, err := renderAll(runs)
	if err != nil {
		return err
	}
	return writeSet(dir, files)
}

// renderedFile is one report, rendered, with its path relative to dir.
type renderedFile struct {
	path string
	data []byte
}

func renderAll(runs []*Run) ([]renderedFile, error) {
	sorted, err := sortedRuns(runs)
	if err != nil {
		return nil, fmt.Errorf("write reports: %w", err)
	}
	if err := checkScenarioNames(sorted); err != nil {
		return nil, err
	}
	var files []renderedFile
	for _, r := range sorted {
		trace, err := render(func(w io.Writer) error { return WriteJSON(w, r) })
		if err != nil {
			return nil, err
		}
		md, err := render(func(w io.Writer) error { return WriteMarkdown(w, r) })
		if err != nil {
			return nil, err
		}
		files = append(files, renderedFile{filepath.Join(r.Scenario, "report.json"), trace},
			renderedFile{filepath.Join(r.Scenario, "report.md"), md})
	}
	return appendRunReports(files, sorted)
}

// appendRunReports adds the reports that cover every run.
func appendRunReports(files []renderedFile, runs []*Run) ([]renderedFile, error) {
	junit, err := render(func(w io.Writer) error { return WriteJUnit(w, runs) })
	if err != nil {
		return nil, err
	}
	summary, err := render(func(w io.Writer) error { return WriteSummary(w, runs) })
	if err != nil {
		return nil, err
	}
	return append(files, renderedFile{"junit.xml", junit}, renderedFile{"summary.md", summary}), nil
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
		if err := checkScenarioName(r.Scenario); err != nil {
			return err
		}
		if seen[r.Scenario] {
			return fmt.Errorf("two runs are named %q: each scenario's reports need a folder of their own, so give the scenarios distinct names", r.Scenario)
		}
		seen[r.Scenario] = true
	}
	return nil
}

// checkScenarioName accepts names made of a-z, 0-9 and '-', which are safe
// as a folder name and in a link on every system.
func checkScenarioName(name string) error {
	if name == "" {
		return fmt.Errorf("a run has no scenario name: name every scenario (a-z, 0-9 and '-') so its reports get a folder")
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("scenario name %q cannot be a report folder: use only a-z, 0-9 and '-'", name)
		}
	}
	return nil
}
