// This file finds and reads scenario files (single files, folders, kind: Scenario detection) and
// parses one document; it is the package's entry point, LoadFile, Load and Parse.

package scenarios

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// LoadFile reads and validates one scenario file.
func LoadFile(path string) (*Scenario, error) {
	return loadFile(path, nil)
}

// loadFile is LoadFile reading manifests through sets (nil: read each).
func loadFile(path string, sets *manifestSets) (*Scenario, error) {
	data, err := manifest.ReadFile(path, "scenario")
	if err != nil {
		return nil, err
	}
	return parse(path, data, sets)
}

// Load reads files and folders: every *.yaml and *.yml directly inside a
// folder, then the scenario files (kind: Scenario) of its subfolders but
// testdata, in lexical order. It returns the scenarios that
// loaded and every problem found (as manifest.Errors), so one run reports
// all broken files. Two scenarios with the same name are an error, since
// the name is the report folder.
func Load(paths ...string) ([]*Scenario, error) {
	files, errs := scenarioFiles(paths)
	parsed := loadFiles(files)
	var out []*Scenario
	seen := map[string]*Scenario{}
	for _, p := range parsed {
		s, err := p.scenario, p.err
		errs.Add(err)
		if s == nil {
			continue
		}
		if first, ok := seen[s.Name]; ok {
			errs = append(errs, s.doc.Errorf("metadata.name", "%q is also the name of %s: names must be unique (each names a report folder)", s.Name, first.File))
			continue
		}
		seen[s.Name] = s
		out = append(out, s)
	}
	return out, errs.Err()
}

// loaded is one file's outcome of loadFiles.
type loaded struct {
	scenario *Scenario
	err      error
}

// loadFiles reads and parses files on every core, since the files do not
// depend on each other and parsing their YAML is most of the time a run
// spends before its first rehearsal (issue 13: the library, 18 files, takes
// ~45 ms of CPU). The outcomes keep the files' order, so errors and
// duplicate names are reported as a sequential load reports them.
func loadFiles(files []string) []loaded {
	out := make([]loaded, len(files))
	sets := &manifestSets{}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(files); i = int(next.Add(1)) - 1 {
				out[i].scenario, out[i].err = loadFile(files[i], sets)
			}
		})
	}
	wg.Wait()
	return out
}

func scenarioFiles(paths []string) ([]string, manifest.Errors) {
	var files []string
	var errs manifest.Errors
	for _, p := range paths {
		found, err := expand(p)
		errs.Add(err)
		files = append(files, found...)
	}
	return files, errs
}

func expand(path string) ([]string, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &manifest.Error{File: path, Msg: "no such file or folder: check the path", Err: err}
	}
	if err != nil {
		return nil, &manifest.Error{File: path, Msg: "cannot read: " + cause(err), Err: err}
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	return folderFiles(path, true)
}

// folderFiles lists a folder's YAML files, sorted, then those of its
// subfolders. Every YAML file directly in a folder given by the user is
// taken (a stray one is an error worth seeing); in subfolders only files
// that declare kind: Scenario are, since those also hold manifests, and
// testdata and dot folders are skipped, as the go tool skips them.
func folderFiles(path string, given bool) ([]string, error) {
	entries, err := os.ReadDir(path) // sorted by name
	if err != nil {
		return nil, &manifest.Error{File: path, Msg: "cannot list the folder", Err: err}
	}
	var files, sub []string
	for _, e := range entries {
		p := filepath.Join(path, e.Name())
		switch {
		case e.IsDir() && e.Name() != "testdata" && !strings.HasPrefix(e.Name(), "."):
			found, err := folderFiles(p, false)
			if err != nil {
				return nil, err
			}
			sub = append(sub, found...)
		case !e.IsDir() && isYAML(e.Name()) && (given || declaresScenario(p)):
			files = append(files, p)
		}
	}
	return append(files, sub...), nil
}

func isYAML(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// scenarioKind finds a top-level kind: Scenario line.
var scenarioKind = regexp.MustCompile(`(?m)^kind:\s*["']?Scenario["']?\s*(#.*)?$`)

// declaresScenario reports whether a file found in a subfolder is a
// scenario; one that cannot be read is left to the loader's error.
func declaresScenario(path string) bool {
	b, err := os.ReadFile(path)
	return err != nil || scenarioKind.Match(b)
}

// cause is what went wrong without the path, which messages give already.
func cause(err error) string {
	if inner := errors.Unwrap(err); inner != nil {
		return inner.Error()
	}
	return err.Error()
}

// Parse reads one scenario file's content; file names it in errors and is
// the base for relative manifest paths.
func Parse(file string, data []byte) (*Scenario, error) {
	return parse(file, data, nil)
}

func parse(file string, data []byte, sets *manifestSets) (*Scenario, error) {
	doc, err := scenarioDoc(file, data)
	if err != nil {
		return nil, err
	}
	if err := checkKind(doc); err != nil {
		return nil, err
	}
	var raw rawScenario
	if err := doc.Decode(&raw); err != nil {
		return nil, err
	}
	c := &converter{file: file, dir: filepath.Dir(file), data: data, doc: doc, sets: sets}
	s := c.scenario(&raw)
	if err := c.errs.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// scenarioDoc returns the file's only non-empty YAML document.
func scenarioDoc(file string, data []byte) (*manifest.Doc, error) {
	var found *manifest.Doc
	for _, part := range manifest.SplitDocuments(data) {
		d, err := manifest.ParseDoc(file, part.Data, part.LineOffset)
		switch {
		case err != nil:
			return nil, err
		case d.Empty():
		case found != nil:
			return nil, &manifest.Error{File: file, Line: d.Line(), Msg: "a scenario file holds one document: move this one to a file of its own"}
		default:
			found = d
		}
	}
	if found == nil {
		return nil, &manifest.Error{File: file, Msg: "the file is empty: a scenario needs apiVersion: " + APIVersion + ", kind: Scenario, metadata and spec"}
	}
	return found, nil
}

// checkKind runs before strict decoding, so that a manifest or any other
// YAML file in a scenario folder gets one clear error instead of a list of
// unknown fields.
func checkKind(d *manifest.Doc) error {
	js, err := d.JSON()
	if err != nil {
		return err
	}
	var tm struct {
		APIVersion any `json:"apiVersion"`
		Kind       any `json:"kind"`
	}
	if err := json.Unmarshal(js, &tm); err != nil {
		return d.Errorf("", "a scenario must be a mapping with apiVersion, kind, metadata and spec")
	}
	switch {
	case tm.Kind == nil:
		return d.Errorf("kind", "missing: a scenario file says kind: %s", Kind)
	case tm.Kind != Kind:
		return d.Errorf("kind", "%v is not a Scenario: only scenario files (kind: %s) belong here; a manifest is listed in spec.manifests instead", tm.Kind, Kind)
	case tm.APIVersion == nil:
		return d.Errorf("apiVersion", "missing: add apiVersion: %s", APIVersion)
	case tm.APIVersion != APIVersion:
		return d.Errorf("apiVersion", "%v is not a scenario version this rehearse reads: use apiVersion: %s", tm.APIVersion, APIVersion)
	}
	return nil
}
