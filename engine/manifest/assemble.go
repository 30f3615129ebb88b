// This file puts a LoadFiles Set together: the plain files no build read, the builds nothing else
// includes, one variant per build that holds the same objects as another, and HelmRelease notes.

package manifest

import (
	"sort"

	"github.com/rehearse-dev/rehearse/engine/gitops"
)

// assemble puts the Set together: the plain files no build read, the
// builds no other build (or Flux Kustomization) includes, and, when builds
// hold the same objects, one variant per such build.
func (l *loader) assemble() *Set {
	builds := l.keptBuilds()
	shared := &Set{}
	for _, f := range l.plain {
		if l.readByBuild(f.path, builds) {
			continue // a base's resource or a patch: rendered, not read as written
		}
		l.errs.Add(f.err)
		if f.set != nil {
			l.errs.Add(shared.Merge(f.set))
		}
	}
	apart := collisions(builds)
	for _, b := range builds {
		if !apart[b] {
			l.errs.Add(shared.Merge(b.set))
		}
	}
	var variants []*Set
	for _, b := range builds {
		if apart[b] {
			variants = append(variants, l.variant(shared, b))
		}
	}
	shared.Variants = variants
	sort.Slice(shared.Variants, func(i, j int) bool { return shared.Variants[i].Name < shared.Variants[j].Name })
	shared.Rendered = len(builds)
	shared.Notes = sortedUnique(append(append(l.notes, shared.Notes...), l.helmNotes(shared, builds)...))
	return shared
}

// keptBuilds drops the builds another build includes (a folder a Flux
// Kustomization renders, or whose kustomization another build read).
func (l *loader) keptBuilds() []*built {
	var out []*built
	for _, b := range l.builds {
		if !b.flux && l.fluxTargets[b.dir] {
			continue
		}
		if !l.included(b) {
			out = append(out, b)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func (l *loader) included(b *built) bool {
	for _, o := range l.builds {
		if o != b && o.dir != b.dir && o.read[b.kustFile] {
			return true
		}
	}
	return false
}

func (l *loader) readByBuild(path string, builds []*built) bool {
	abs := realDir(path)
	for _, b := range builds {
		if b.read[abs] {
			return true
		}
	}
	return false
}

// collisions are the builds holding an object another build also holds.
func collisions(builds []*built) map[*built]bool {
	owner := map[string]*built{}
	apart := map[*built]bool{}
	for _, b := range builds {
		for k := range b.set.Origins {
			if o, ok := owner[k]; ok && o != b {
				apart[o], apart[b] = true, true
			}
			owner[k] = b
		}
	}
	return apart
}

// variant is one colliding build with everything the builds share.
func (l *loader) variant(shared *Set, b *built) *Set {
	v := &Set{Name: b.name}
	l.errs.Add(v.Merge(shared))
	l.errs.Add(v.Merge(b.set))
	return v
}

// helmNotes names the HelmReleases of every file and build.
func (l *loader) helmNotes(shared *Set, builds []*built) []gitops.Note {
	notes := helmNotes(shared)
	for _, b := range builds {
		notes = append(notes, helmNotes(b.set)...)
	}
	return notes
}
