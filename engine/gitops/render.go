// This file is Render: one folder built with kustomize (and a Flux Kustomization's settings), each
// object returned with its origin and the pieces that may have changed it.

package gitops

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
)

// Options say how to render one folder.
type Options struct {
	// Root is the repository: no file outside it is read.
	Root string
	// Flux, when set, is the Flux Kustomization whose spec.path the folder
	// is; its fields are applied as kustomize-controller applies them.
	Flux *Flux
}

// Build is one folder rendered.
type Build struct {
	Dir     string // the folder, as the user's paths spell it
	File    string // its kustomization file (one Flux would generate, when it has none)
	Objects []Object
	// Read lists the absolute paths of every file the build read, so that
	// the caller does not read them again as plain manifests.
	Read []string
	// Notes say what was left out (substitutions rehearse cannot make).
	Notes []Note
}

// Note is something read but not rendered, for the report.
type Note struct {
	Subject string // "HelmRelease flux-system/ingress-nginx"
	File    string
	Line    int
	Text    string // what was left out, and what to do
}

// Object is one rendered object and where its parts were written.
type Object struct {
	// YAML is the object as kustomize (and Flux's substitution) left it,
	// without kustomize's origin annotation.
	YAML []byte
	// Source is the resource the object started as (a document of a file,
	// or the generator entry that made it).
	Source Piece
	// Layers are the patches and fields that may have changed it after,
	// in the order they were applied; the caller checks which really did.
	Layers []Piece
}

// kustomizeMu serialises builds: kustomize keeps its OpenAPI schema in a
// package variable, and Flux guards its builds the same way.
var kustomizeMu sync.Mutex

// Render builds the kustomization in dir (or, for a Flux Kustomization's
// folder without one, the kustomization Flux would generate), applies the
// Flux Kustomization's fields and substitutions, and returns the objects.
// A problem is an *Error placed in the user's files.
func Render(dir string, opts Options) (*Build, error) {
	top, err := rootFolder(dir, opts.Flux)
	if err != nil {
		return nil, err
	}
	folders, err := tree(top, opts.Root, map[string]bool{})
	if err != nil {
		return nil, err
	}
	served, err := amend(top, opts.Flux)
	if err != nil {
		return nil, err
	}
	fsys := newRepoFS(opts.Root, map[string][]byte{realPath(top.file): served})
	m, err := run(fsys, dir)
	if err != nil {
		return nil, buildError(top, folders, opts.Flux, err)
	}
	b := &Build{Dir: dir, File: top.file, Read: fsys.files()}
	for _, res := range m.Resources() {
		o, err := b.object(res, folders, opts.Flux)
		if err != nil {
			return nil, err
		}
		b.Objects = append(b.Objects, o)
	}
	b.Notes = opts.Flux.notes()
	return b, nil
}

// rootFolder is the kustomization in dir, or the one Flux generates for a
// Flux Kustomization's folder that has none.
func rootFolder(dir string, flux *Flux) (*folder, error) {
	f, err := readFolder(dir)
	if err != nil || f != nil {
		return f, err
	}
	if flux == nil {
		return nil, errorAt(dir, 0, "holds no kustomization.yaml: nothing to build")
	}
	return generatedFolder(dir)
}

// run is kustomize build with Flux's settings: files may be loaded from
// anywhere in the repository (the file system refuses the rest), and only
// the builtin plugins run. A panic in kustomize is an error, not a crash.
func run(fsys *repoFS, dir string) (m resmap.ResMap, err error) {
	kustomizeMu.Lock()
	defer kustomizeMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("kustomize failed on this input: %v", r)
		}
	}()
	k := krusty.MakeKustomizer(&krusty.Options{
		LoadRestrictions: types.LoadRestrictionsNone,
		PluginConfig:     types.DisabledPluginConfig(),
		Reorder:          krusty.ReorderOptionNone,
	})
	return k.Run(fsys, realPath(dir))
}

// object turns one rendered resource into an Object: origin read and
// removed, Flux's substitutions made, the pieces that wrote it listed.
func (b *Build) object(res *resource.Resource, folders []*folder, flux *Flux) (Object, error) {
	origin, err := res.GetOrigin()
	if err != nil {
		return Object{}, fmt.Errorf("reading kustomize's origin of %s: %w", res.CurId(), err)
	}
	if err := res.SetOrigin(nil); err != nil {
		return Object{}, fmt.Errorf("removing kustomize's origin of %s: %w", res.CurId(), err)
	}
	data, err := flux.substitute(res)
	if err != nil {
		return Object{}, err
	}
	gvk := res.GetGvk()
	o := Object{YAML: data, Source: b.source(origin, folders, res.GetName())}
	for _, f := range folders {
		if !f.makes(origin, b.Dir) {
			continue
		}
		for _, p := range f.pieces() {
			if p.selects(gvk.Group, gvk.Kind, res.GetName()) {
				o.Layers = append(o.Layers, p)
			}
		}
	}
	for _, p := range flux.pieces() {
		if p.selects(gvk.Group, gvk.Kind, res.GetName()) {
			o.Layers = append(o.Layers, p)
		}
	}
	return o, nil
}

// source is the piece an object started as.
func (b *Build) source(origin *resource.Origin, folders []*folder, name string) Piece {
	switch {
	case origin == nil:
		return Piece{Kind: Fields, File: b.File}
	case origin.ConfiguredIn != "":
		file := realPath(filepath.Join(b.Dir, origin.ConfiguredIn))
		for _, f := range folders {
			if realPath(f.file) == file {
				return f.generatorPiece(origin.ConfiguredBy.Kind, name)
			}
		}
		return Piece{Kind: Fields, File: filepath.Join(b.Dir, origin.ConfiguredIn)}
	}
	path := filepath.Join(b.Dir, origin.Path)
	data, _ := os.ReadFile(path)
	return Piece{Kind: Document, File: path, Data: data}
}

// makes is true when the kustomization built the object: it lists the
// object's file or generated it, itself or through a folder it includes.
func (f *folder) makes(origin *resource.Origin, buildDir string) bool {
	if origin == nil {
		return true
	}
	if origin.ConfiguredIn != "" {
		return f.includes(realPath(filepath.Dir(filepath.Join(buildDir, origin.ConfiguredIn))), map[string]bool{})
	}
	return f.includes(realPath(filepath.Join(buildDir, origin.Path)), map[string]bool{})
}

// includes is true when path (a resource file, or a kustomization's
// folder) is f's folder, one of its resources, or included by one of them.
func (f *folder) includes(path string, seen map[string]bool) bool {
	dir := realPath(f.dir)
	if dir == path || seen[dir] {
		return dir == path
	}
	seen[dir] = true
	for _, entry := range append(append([]string{}, f.k.Resources...), f.k.Components...) {
		p := realPath(filepath.Join(f.dir, entry))
		if p == path {
			return true
		}
		if sub, err := readFolder(filepath.Join(f.dir, entry)); err == nil && sub != nil && sub.includes(path, seen) {
			return true
		}
	}
	return false
}
