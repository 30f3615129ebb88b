// This file follows Flux Kustomizations found in the manifests: the folder each renders (relative
// to its repository) and the HelmReleases named as not rendered.

package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/rehearse-dev/rehearse/engine/gitops"
)

// Flux's API groups: the Kustomization rehearse follows, and the
// HelmRelease it names as not rendered.
const (
	fluxKustomizeGroup = "kustomize.toolkit.fluxcd.io"
	fluxHelmGroup      = "helm.toolkit.fluxcd.io"
)

// fluxSpec is the part of a Flux Kustomization (v1, v1beta2) that decides
// what kustomize-controller builds.
type fluxSpec struct {
	Path      string `json:"path"`
	SourceRef struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"sourceRef"`
	TargetNamespace string         `json:"targetNamespace"`
	NamePrefix      string         `json:"namePrefix"`
	NameSuffix      string         `json:"nameSuffix"`
	Patches         []types.Patch  `json:"patches"`
	Images          []types.Image  `json:"images"`
	Components      []string       `json:"components"`
	PostBuild       *fluxPostBuild `json:"postBuild"`
}

type fluxPostBuild struct {
	Substitute     map[string]string `json:"substitute"`
	SubstituteFrom []struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"substituteFrom"`
}

// followFlux queues the folder of every Flux Kustomization in set.
func (l *loader) followFlux(set *Set) {
	if set == nil {
		return
	}
	for _, u := range set.Others {
		if u.GroupVersionKind().Group != fluxKustomizeGroup || u.GetKind() != "Kustomization" {
			continue
		}
		key := Key(u.GetKind(), u.GetNamespace(), u.GetName())
		j, err := fluxJob(u, set.docs[key], set.Origins[key])
		if err != nil {
			l.errs.Add(err)
			continue
		}
		if j.note != nil {
			l.notes = append(l.notes, *j.note)
			continue
		}
		l.fluxTargets[realDir(j.dir)] = true
		l.queue = append(l.queue, j)
	}
}

// fluxJob is the build a Flux Kustomization asks for, or a note saying
// why it is not rendered.
func fluxJob(u *unstructured.Unstructured, d *Doc, origin Object) (job, error) {
	ref := u.GetNamespace() + "/" + u.GetName()
	var spec fluxSpec
	if err := decodeSpec(u, &spec); err != nil {
		return job{}, &Error{File: origin.File, Line: origin.Line, Field: "spec", Msg: "cannot read the Flux Kustomization's spec: " + err.Error(), Err: err}
	}
	base, repo := fluxBase(origin.File, spec.Path)
	if base == "" {
		return job{note: &gitops.Note{Subject: "Flux Kustomization " + ref, File: origin.File, Line: origin.Line,
			Text: fmt.Sprintf("not rendered: its path %q is not a folder of this repository (its source is %s/%s): give the repository that holds it",
				spec.Path, spec.SourceRef.Kind, spec.SourceRef.Name)}}, nil
	}
	d = sourceDoc(d)
	f := &gitops.Flux{Ref: ref, File: origin.File, Line: origin.Line, Spec: gitops.Piece{File: d.file, Data: d.data, LineOffset: d.offset},
		TargetNamespace: spec.TargetNamespace, NamePrefix: spec.NamePrefix, NameSuffix: spec.NameSuffix,
		Images: spec.Images, Components: spec.Components}
	for i, p := range spec.Patches {
		at := gitops.Piece{File: d.file, Data: []byte(p.Patch), LineOffset: d.ContentOffset(fmt.Sprintf("spec.patches[%d].patch", i))}
		f.Patches = append(f.Patches, gitops.FluxPatch{Patch: p, At: at})
	}
	if pb := spec.PostBuild; pb != nil {
		f.Substitute = pb.Substitute
		for _, from := range pb.SubstituteFrom {
			f.SubstituteFrom = append(f.SubstituteFrom, from.Kind+"/"+from.Name)
		}
	}
	dir := filepath.Join(base, filepath.FromSlash(spec.Path))
	return job{dir: dir, name: fluxName(spec.Path), repo: repo, flux: f}, nil
}

// sourceDoc is the document as the user wrote it: for a Flux Kustomization
// that a build rendered, the one in its source file, whose lines are real.
func sourceDoc(d *Doc) *Doc {
	if d.src != nil && d.src.source.doc != nil {
		return d.src.source.doc
	}
	return d
}

func decodeSpec(u *unstructured.Unstructured, out *fluxSpec) error {
	js, err := json.Marshal(u.Object["spec"])
	if err != nil {
		return err
	}
	return json.Unmarshal(js, out)
}

func fluxName(path string) string {
	n := filepath.ToSlash(filepath.Clean(path))
	if n == "." {
		return "./"
	}
	return n
}

// fluxBase is the folder spec.path is relative to: the root of the
// repository (the nearest folder above file holding .git) when the path is
// there, else the nearest folder above file that holds the path (a Flux
// repository kept inside another one, such as rehearse's own fixtures).
// repo is the folder no file may be read outside of.
func fluxBase(file, path string) (base, repo string) {
	dir := filepath.Dir(file)
	repo = gitops.RepoRoot(dir, "")
	if repo != "" && isDir(filepath.Join(repo, path)) && filepath.Clean(path) != "." {
		return repo, repo
	}
	stop := realDir(repo)
	for {
		if isDir(filepath.Join(dir, path)) && filepath.Clean(path) != "." {
			return dir, defaultTo(repo, dir)
		}
		abs := realDir(dir)
		if abs == stop || filepath.Dir(abs) == abs {
			break
		}
		dir = filepath.Join(dir, "..")
	}
	if filepath.Clean(path) == "." && repo != "" {
		return repo, repo
	}
	return "", ""
}

func defaultTo(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// helmNotes names every HelmRelease of the set as not rendered.
func helmNotes(set *Set) []gitops.Note {
	var out []gitops.Note
	for _, u := range set.Others {
		if u.GroupVersionKind().Group != fluxHelmGroup || u.GetKind() != "HelmRelease" {
			continue
		}
		o := set.Origins[Key(u.GetKind(), u.GetNamespace(), u.GetName())]
		out = append(out, gitops.Note{Subject: "HelmRelease " + u.GetNamespace() + "/" + u.GetName(), File: o.File, Line: o.Line,
			Text: "not rendered: rehearse does not run Helm; give the rendered manifests instead"})
	}
	return out
}

// sortedUnique sorts notes by file and line and drops repeats.
func sortedUnique(notes []gitops.Note) []gitops.Note {
	sort.Slice(notes, func(i, j int) bool {
		if notes[i].File != notes[j].File {
			return notes[i].File < notes[j].File
		}
		return notes[i].Line < notes[j].Line
	})
	var out []gitops.Note
	for i, n := range notes {
		if i == 0 || n != notes[i-1] {
			out = append(out, n)
		}
	}
	return out
}
