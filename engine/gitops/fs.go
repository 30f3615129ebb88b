// This file is the file system kustomize renders through: confined to the repository, refusing
// every write, serving the amended kustomization, and recording each file read.

package gitops

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// errWrite refuses every write: rendering never changes the user's files.
var errWrite = errors.New("rehearse never writes to your repository")

// repoFS is the disk, as kustomize sees it while rendering one folder:
// nothing outside the repository root exists, nothing can be written, and
// the build's own kustomization file may be served amended (with the
// build metadata rehearse needs and the fields a Flux Kustomization adds)
// without touching the file itself. Every file read is recorded, so the
// loader does not read it again as a plain manifest.
type repoFS struct {
	disk     filesys.FileSystem
	root     string            // absolute, symlinks resolved
	override map[string][]byte // absolute path → content served instead of the disk's
	read     map[string]bool   // absolute paths of the files read
}

func newRepoFS(root string, override map[string][]byte) *repoFS {
	return &repoFS{disk: filesys.MakeFsOnDisk(), root: realPath(root), override: override, read: map[string]bool{}}
}

var _ filesys.FileSystem = (*repoFS)(nil)

// check refuses a path outside the repository, symlinks resolved.
func (r *repoFS) check(path string) (string, error) {
	real := realPath(path)
	if !within(r.root, real) {
		return "", fmt.Errorf("%s is outside the repository %s%s: rehearse, like Flux, reads only the repository's own files", path, r.root, whyRoot(r.root))
	}
	return real, nil
}

func (r *repoFS) Create(string) (filesys.File, error) { return nil, errWrite }
func (r *repoFS) Mkdir(string) error                  { return errWrite }
func (r *repoFS) MkdirAll(string) error               { return errWrite }
func (r *repoFS) RemoveAll(string) error              { return errWrite }
func (r *repoFS) WriteFile(string, []byte) error      { return errWrite }

func (r *repoFS) Open(path string) (filesys.File, error) {
	real, err := r.check(path)
	if err != nil {
		return nil, err
	}
	if _, ok := r.override[real]; ok {
		return nil, fmt.Errorf("%s is generated for the build and cannot be opened", path)
	}
	r.read[real] = true
	return r.disk.Open(real)
}

func (r *repoFS) ReadFile(path string) ([]byte, error) {
	real, err := r.check(path)
	if err != nil {
		return nil, err
	}
	if data, ok := r.override[real]; ok {
		r.read[real] = true
		return data, nil
	}
	data, err := r.disk.ReadFile(real)
	if err == nil {
		r.read[real] = true
	}
	return data, err
}

func (r *repoFS) IsDir(path string) bool {
	real, err := r.check(path)
	return err == nil && r.disk.IsDir(real)
}

func (r *repoFS) Exists(path string) bool {
	real, err := r.check(path)
	if err != nil {
		return false
	}
	_, ok := r.override[real]
	return ok || r.disk.Exists(real)
}

func (r *repoFS) ReadDir(path string) ([]string, error) {
	real, err := r.check(path)
	if err != nil {
		return nil, err
	}
	names, err := r.disk.ReadDir(real)
	if err != nil {
		return nil, err
	}
	return r.withOverrides(real, names), nil
}

// withOverrides adds the generated files of dir to its listing.
func (r *repoFS) withOverrides(dir string, names []string) []string {
	for p := range r.override {
		if filepath.Dir(p) == dir && !r.disk.Exists(p) {
			names = append(names, filepath.Base(p))
		}
	}
	sort.Strings(names)
	return names
}

func (r *repoFS) CleanedAbs(path string) (filesys.ConfirmedDir, string, error) {
	if _, err := r.check(path); err != nil {
		return "", "", err
	}
	return r.disk.CleanedAbs(path)
}

func (r *repoFS) Glob(pattern string) ([]string, error) {
	matches, err := r.disk.Glob(pattern)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range matches {
		if _, err := r.check(m); err == nil {
			out = append(out, m)
		}
	}
	return out, nil
}

func (r *repoFS) Walk(path string, walkFn filepath.WalkFunc) error {
	if _, err := r.check(path); err != nil {
		return err
	}
	return r.disk.Walk(path, func(p string, info os.FileInfo, err error) error {
		if _, outside := r.check(p); outside != nil {
			if info != nil && info.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		return walkFn(p, info, err)
	})
}

// files lists the absolute paths of the files read, sorted.
func (r *repoFS) files() []string {
	out := make([]string, 0, len(r.read))
	for p := range r.read {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
