// This file is LoadFiles: walking the paths into plain files and kustomization folders, rendering
// each build once (Flux's where one points at it), and parsing rendered objects at their source.

package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/gitops"
)

// LoadFiles reads files and folders into one Set, as the tools that apply
// them would: a folder holding a kustomization.yaml is rendered with
// kustomize (its sub-folders belong to it), a Flux Kustomization's
// spec.path is rendered as kustomize-controller renders it, and every other
// *.yaml and *.yml file is read as written. A file a build read (a base, a
// patch) is not read again. Builds that hold the same objects (one app's
// overlays for several environments) become the Set's Variants. Every
// problem in every file is reported together. Set.Validate is not called:
// the caller knows whether the files are the whole set.
func LoadFiles(paths ...string) (*Set, error) {
	l := &loader{fluxTargets: map[string]bool{}, done: map[string]bool{}}
	l.walk(paths)
	for i := range l.plain {
		l.plain[i].set, l.plain[i].err = loadFile(l.plain[i].path, l.plain[i].found)
	}
	l.renderAll()
	set := l.assemble()
	if err := dedupe(l.errs).Err(); err != nil {
		return nil, err
	}
	return set, nil
}

// loader is one LoadFiles call: what the paths hold, and what was built.
type loader struct {
	errs        Errors
	plain       []plainFile
	roots       []root
	queue       []job
	builds      []*built
	notes       []gitops.Note
	fluxTargets map[string]bool // folders a Flux Kustomization renders
	done        map[string]bool // jobs rendered, by key
}

// plainFile is a file read as written; found says a folder walk found it
// (rather than the user naming it).
type plainFile struct {
	path  string
	found bool
	set   *Set
	err   error
}

// root is a folder holding a kustomization, and the path it was found under.
type root struct{ dir, arg string }

// job is one folder to render.
type job struct {
	dir, name, repo string
	flux            *gitops.Flux
	note            *gitops.Note // instead of a build: why it is not rendered
}

// built is one rendered folder.
type built struct {
	name, dir string // dir: absolute, symlinks resolved
	flux      bool
	kustFile  string // absolute
	read      map[string]bool
	set       *Set
}

// walk sorts the paths into plain files and kustomization folders. A
// folder holding a kustomization is not looked into: it is built whole.
func (l *loader) walk(paths []string) {
	seen := map[string]bool{}
	for _, p := range paths {
		files, roots, err := expandPath(p)
		l.errs.Add(err)
		for _, f := range files {
			if !seen[filepath.Clean(f)] {
				seen[filepath.Clean(f)] = true
				l.plain = append(l.plain, plainFile{path: f, found: filepath.Clean(f) != filepath.Clean(p)})
			}
		}
		for _, r := range roots {
			if !seen[filepath.Clean(r.dir)+string(filepath.Separator)] {
				seen[filepath.Clean(r.dir)+string(filepath.Separator)] = true
				l.roots = append(l.roots, r)
			}
		}
	}
	sort.Slice(l.plain, func(i, j int) bool { return l.plain[i].path < l.plain[j].path })
}

// errTooManyFiles stops a folder walk at MaxFiles.
var errTooManyFiles = errors.New("too many files")

func expandPath(path string) ([]string, []root, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, &Error{File: path, Msg: "no such file or folder: check the path", Err: err}
	}
	if !info.IsDir() {
		if gitops.IsKustomizationName(filepath.Base(path)) {
			return nil, []root{{dir: filepath.Dir(path), arg: filepath.Dir(path)}}, nil
		}
		return []string{path}, nil, nil
	}
	var files []string
	var roots []root
	err = filepath.WalkDir(path, func(p string, e fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case e.IsDir() && p != path && strings.HasPrefix(e.Name(), "."):
			return filepath.SkipDir // .git and friends
		case e.IsDir():
			kf, err := gitops.KustomizationFile(p)
			if err != nil {
				return err
			}
			if kf != "" {
				roots = append(roots, root{dir: p, arg: path})
				return filepath.SkipDir
			}
		case isYAML(p) && len(files) == MaxFiles:
			return errTooManyFiles
		case isYAML(p):
			files = append(files, p)
		}
		return nil
	})
	var ge *gitops.Error
	switch {
	case errors.Is(err, errTooManyFiles):
		return nil, nil, &Error{File: path, Msg: fmt.Sprintf("holds more than %d YAML files: give the folder of the manifests themselves", MaxFiles)}
	case errors.As(err, &ge):
		return nil, nil, fromGitops(err)
	case err != nil:
		return nil, nil, &Error{File: path, Msg: "cannot list the folder", Err: err}
	case len(files) == 0 && len(roots) == 0:
		// Loading nothing from a path the user named would hide a wrong path.
		return nil, nil, &Error{File: path, Msg: "the folder holds no *.yaml or *.yml file: give the folder or files of the manifests"}
	}
	return files, roots, nil
}

func isYAML(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml"
}

// loadFile reads one file. A file a folder walk found may hold other
// tools' YAML (a kind or helmfile config, a CI workflow): its documents that
// are not Kubernetes objects are left out with a note. A file the user
// named is read strictly.
func loadFile(path string, found bool) (*Set, error) {
	data, err := ReadFile(path, "manifest")
	if err != nil {
		return nil, err
	}
	if found {
		return parse(path, data, 0, true)
	}
	return Parse(path, data)
}

// renderAll renders the Flux Kustomizations of the plain files, then the
// kustomization folders no other one builds on, then every Flux
// Kustomization the builds themselves hold.
func (l *loader) renderAll() {
	for _, f := range l.plain {
		l.followFlux(f.set)
	}
	consumed := map[string]bool{}
	for _, r := range l.roots {
		for _, d := range gitops.Included(r.dir) {
			consumed[d] = true
		}
	}
	for _, r := range l.roots {
		if !consumed[realDir(r.dir)] {
			l.queue = append(l.queue, job{dir: r.dir, name: buildName(r.arg, r.dir), repo: gitops.RepoRoot(r.dir, r.arg)})
		}
	}
	for len(l.queue) > 0 {
		j := l.queue[0]
		l.queue = l.queue[1:]
		l.render(j)
	}
}

// render builds one folder, unless it was built already or a Flux
// Kustomization renders it (then Flux's build is the one that counts).
func (l *loader) render(j job) {
	key := realDir(j.dir)
	if j.flux != nil {
		key += "|" + j.flux.Ref
	} else if l.fluxTargets[key] {
		return
	}
	if l.done[key] {
		return
	}
	l.done[key] = true
	b, err := gitops.Render(j.dir, gitops.Options{Root: j.repo, Flux: j.flux})
	var ge *gitops.Error
	switch {
	case errors.Is(err, gitops.ErrNotRendered) && errors.As(err, &ge):
		// One build that would fetch or run Helm (often the cluster's own
		// infrastructure) must not stop the rehearsal of the others.
		l.notes = append(l.notes, gitops.Note{Subject: "kustomization " + j.name, File: ge.File, Line: ge.Line,
			Text: "not rendered, so its objects are not rehearsed: " + ge.Msg})
		return
	case err != nil:
		l.errs.Add(fromGitops(err))
		return
	}
	bt := &built{name: j.name, dir: realDir(j.dir), flux: j.flux != nil, kustFile: realDir(b.File), read: map[string]bool{}, set: l.buildSet(b, j.name)}
	for _, f := range b.Read {
		bt.read[f] = true
	}
	l.notes = append(l.notes, b.Notes...)
	l.builds = append(l.builds, bt)
	l.followFlux(bt.set)
}

// buildSet parses the objects of one build into a Set.
func (l *loader) buildSet(b *gitops.Build, name string) *Set {
	set := &Set{Rendered: 1}
	for _, o := range b.Objects {
		l.errs = append(l.errs, set.parseRendered(o, name)...)
	}
	return set
}

// parseRendered reads one rendered object: strictly, like a file's, with
// every error placed in the file that wrote the field.
func (s *Set) parseRendered(o gitops.Object, build string) Errors {
	d, err := ParseDoc(o.Source.File, o.YAML, 0)
	if err != nil || d.Empty() {
		var errs Errors
		errs.Add(err)
		return errs
	}
	d.src = newSourceMap(o, scalarAt(d, "kind"), scalarAt(d, "metadata.name"))
	obj, errs := decodeObject(d)
	if obj == nil {
		return errs
	}
	errs = append(errs, finish(d, obj)...)
	file, line := d.src.line()
	origin := Object{Kind: obj.GetObjectKind().GroupVersionKind().Kind, Name: obj.GetName(), Namespace: obj.GetNamespace(), File: file, Line: line, Build: build}
	if err := s.add(obj, origin, d); err != nil {
		err.Msg = fmt.Sprintf("rendered twice by %s (first from %s:%d): keep one", build, s.Origins[keyOf(obj)].File, s.Origins[keyOf(obj)].Line)
		errs = append(errs, err)
	}
	return errs
}

// buildName is how reports name a build: its folder below the path the
// user gave, or the folder itself when that is the path.
func buildName(arg, dir string) string {
	if rel, err := filepath.Rel(arg, dir); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(filepath.Clean(dir))
}

func realDir(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

// fromGitops turns a rendering error into the loader's own.
func fromGitops(err error) error {
	var ge *gitops.Error
	if errors.As(err, &ge) {
		return &Error{File: ge.File, Line: ge.Line, Msg: ge.Msg, Err: ge.Err}
	}
	return err
}

// dedupe drops repeated errors (a shared file's problem seen by every variant).
func dedupe(errs Errors) Errors {
	seen := map[string]bool{}
	var out Errors
	for _, e := range errs {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	return out
}
