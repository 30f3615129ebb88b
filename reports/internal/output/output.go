// This file writes report files so that no reader ever sees one torn or
// mixed: each file goes to a temporary file in its own folder and is
// renamed over the old one, and a whole set of reports replaces the set an
// earlier run left, removing the files that run wrote and this one did not.

package output

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// indexName lists, in an output folder, the reports the last run wrote
// there, so the next run can tell its own files from stale ones.
const indexName = ".rehearse-reports"

// WriteFile writes data to path through a temporary file in the same
// folder and a rename, so a run killed mid-write leaves either the old file
// or the new one, never a truncated one.
func WriteFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create report folder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := fillTemp(tmp, data); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func fillTemp(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644) // CreateTemp makes it 0600
	}
	return err
}

// WriteSet replaces the report set under dir with files (paths relative to
// dir). Every folder is checked before the first file is written, so a
// path that cannot take a report writes nothing; after the last one, the
// files an earlier run listed and this one did not write are removed.
func WriteSet(dir string, files []File) error {
	if err := checkSetPaths(dir, files); err != nil {
		return err
	}
	old := readIndex(dir)
	errs := writeFiles(dir, files)
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("%w; %s", err, staleNote(files, errs))
		}
	}
	removeStale(dir, old, files)
	return WriteFile(filepath.Join(dir, indexName), indexData(files))
}

// checkSetPaths finds a file where a report folder must go, or a folder
// where a report must go.
func checkSetPaths(dir string, files []File) error {
	for _, f := range files {
		p := filepath.Join(dir, f.Path)
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			return fmt.Errorf("%s is a folder where a report goes: move it away or choose another --out; no report was written", p)
		}
		for d := filepath.Dir(p); d != "." && d != "/" && d != filepath.Dir(dir); d = filepath.Dir(d) {
			if info, err := os.Stat(d); err == nil && !info.IsDir() {
				return fmt.Errorf("%s is a file where the reports' folder goes: move it away or choose another --out; no report was written", d)
			}
		}
	}
	return nil
}

// writers is how many report files are written at once.
const writers = 8

// writeFiles writes files a few at a time; errs[i] is files[i]'s outcome.
// A write spends most of its time waiting on the file system (create,
// write, chmod, rename), not on the CPU, so writing one after another left
// the cores idle (issue 13: a library run's 36 reports took ~15 ms).
func writeFiles(dir string, files []File) []error {
	errs := make([]error, len(files))
	slots := make(chan struct{}, writers)
	var wg sync.WaitGroup
	for i, f := range files {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			errs[i] = WriteFile(filepath.Join(dir, f.Path), f.Data)
		})
	}
	wg.Wait()
	return errs
}

// staleNote says, after a failed write, which files of the set are new:
// those whose errs entry is nil.
func staleNote(files []File, errs []error) string {
	var written []string
	for i, f := range files {
		if errs[i] == nil {
			written = append(written, f.Path)
		}
	}
	if len(written) == 0 {
		return "no report was written; the folder holds the earlier run's reports"
	}
	return fmt.Sprintf("only %s are from this run: every other report in the folder is stale", strings.Join(written, ", "))
}

func readIndex(dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, indexName))
	if err != nil {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if p := sc.Text(); p != "" && filepath.IsLocal(p) {
			out = append(out, p)
		}
	}
	return out
}

func indexData(files []File) []byte {
	var b bytes.Buffer
	for _, f := range files {
		b.WriteString(filepath.ToSlash(f.Path) + "\n")
	}
	return b.Bytes()
}

// removeStale removes the files of the earlier set that this set did not
// write, and the folders that leaves empty; nothing the index does not
// name is touched.
func removeStale(dir string, old []string, files []File) {
	written := make([]string, len(files))
	for i, f := range files {
		written[i] = filepath.ToSlash(f.Path)
	}
	for _, p := range old {
		if slices.Contains(written, p) {
			continue
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.Remove(full); err == nil || errors.Is(err, fs.ErrNotExist) {
			_ = os.Remove(filepath.Dir(full)) // only succeeds when empty
		}
	}
}

// File is one report, rendered, with its path (relative to the set's
// folder in a set, as given to WriteFile otherwise).
type File struct {
	Path string
	Data []byte
}

// CheckScenarioName accepts names made of a-z, 0-9 and '-', which are safe
// as a folder name and in a link on every system.
func CheckScenarioName(name string) error {
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
