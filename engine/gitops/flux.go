// This file is what a Flux Kustomization adds to a build, as kustomize-controller does it: the
// kustomization it generates, the fields it writes in, and postBuild substitution.

package gitops

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/fluxcd/pkg/envsubst"
	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
)

// Flux is what a Flux Kustomization (kustomize.toolkit.fluxcd.io v1 or
// v1beta2) asks of the folder it points at, as kustomize-controller applies
// it: the fields are written into the folder's kustomization before the
// build, the substitutions made on every object after it.
type Flux struct {
	Ref  string // namespace/name
	File string // where the Flux Kustomization is written
	Line int
	// Spec is the Flux Kustomization's document (Data, LineOffset): its
	// fields are where namespaces and prefixes it sets are placed.
	Spec Piece

	TargetNamespace, NamePrefix, NameSuffix string
	Patches                                 []FluxPatch
	Images                                  []types.Image
	Components                              []string
	// Substitute is postBuild.substitute; SubstituteFrom names the
	// ConfigMaps and Secrets of postBuild.substituteFrom, which live in the
	// cluster and so are not read.
	Substitute     map[string]string
	SubstituteFrom []string
}

// FluxPatch is one of spec.patches, and where its text is written.
type FluxPatch struct {
	Patch types.Patch
	At    Piece // File, Data (the patch text) and LineOffset
}

// generatedFolder is the kustomization kustomize-controller writes for a
// folder that has none: every YAML file below it, and every sub-folder that
// holds a kustomization (not looked into).
func generatedFolder(dir string) (*folder, error) {
	var resources []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case p == dir:
			return nil
		case e.IsDir():
			if kf, _ := KustomizationFile(p); kf != "" {
				resources = append(resources, "./"+filepath.ToSlash(rel(dir, p)))
				return filepath.SkipDir
			}
			return nil
		case isYAMLName(p):
			resources = append(resources, "./"+filepath.ToSlash(rel(dir, p)))
		}
		return nil
	})
	if err != nil {
		return nil, &Error{File: dir, Msg: "cannot list the folder a Flux Kustomization points at", Err: err}
	}
	sort.Strings(resources)
	data, err := yaml.Marshal(map[string]any{"apiVersion": types.KustomizationVersion, "kind": types.KustomizationKind, "resources": resources})
	if err != nil {
		return nil, err
	}
	return parseFolder(dir, filepath.Join(dir, kustomizationNames[0]), data)
}

func rel(base, path string) string {
	r, err := filepath.Rel(base, path)
	if err != nil {
		return path
	}
	return r
}

func isYAMLName(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

// amend is the build's kustomization as it is served to kustomize: with
// origin annotations turned on, and the Flux Kustomization's fields
// written in as kustomize-controller writes them.
func amend(top *folder, flux *Flux) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(top.data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	m := doc.Content[0]
	appendUnique(m, "buildMetadata", "originAnnotations")
	if err := flux.amend(m, top.k.Images); err != nil {
		return nil, &Error{File: flux.File, Line: flux.Line, Msg: "cannot apply the Flux Kustomization's fields: " + err.Error(), Err: err}
	}
	return yaml.Marshal(&doc)
}

func (f *Flux) amend(m *yaml.Node, images []types.Image) error {
	if f == nil {
		return nil
	}
	for key, value := range map[string]string{"namespace": f.TargetNamespace, "namePrefix": f.NamePrefix, "nameSuffix": f.NameSuffix} {
		if value != "" {
			if err := set(m, key, value); err != nil {
				return err
			}
		}
	}
	for _, p := range f.Patches {
		if err := appendValue(m, "patches", p.Patch); err != nil {
			return err
		}
	}
	for _, c := range f.Components {
		if err := appendValue(m, "components", c); err != nil {
			return err
		}
	}
	if len(f.Images) == 0 {
		return nil
	}
	return set(m, "images", mergeImages(images, f.Images))
}

// mergeImages applies Flux's images over the kustomization's: an entry of
// the same name is updated field by field (the tag and digest together),
// another one is added.
func mergeImages(own, flux []types.Image) []types.Image {
	out := append([]types.Image{}, own...)
	for _, img := range flux {
		i := indexOfImage(out, img.Name)
		if i < 0 {
			out = append(out, types.Image{Name: img.Name, NewName: img.NewName, NewTag: img.NewTag, Digest: img.Digest})
			continue
		}
		if img.NewName != "" {
			out[i].NewName = img.NewName
		}
		if img.NewTag != "" || img.Digest != "" {
			out[i].NewTag, out[i].Digest = img.NewTag, img.Digest
		}
	}
	return out
}

func indexOfImage(images []types.Image, name string) int {
	for i, img := range images {
		if img.Name == name {
			return i
		}
	}
	return -1
}

// set writes key: value into mapping m, replacing what was there.
func set(m *yaml.Node, key string, value any) error {
	var v yaml.Node
	if err := v.Encode(value); err != nil {
		return err
	}
	if _, old := mapEntry(m, key); old != nil {
		*old = v
		return nil
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &v)
	return nil
}

// appendValue adds value to the list under key, creating the list.
func appendValue(m *yaml.Node, key string, value any) error {
	var v yaml.Node
	if err := v.Encode(value); err != nil {
		return err
	}
	_, list := mapEntry(m, key)
	if list == nil || list.Kind != yaml.SequenceNode {
		if err := set(m, key, []any{}); err != nil {
			return err
		}
		_, list = mapEntry(m, key)
		list.Style = 0
	}
	list.Content = append(list.Content, &v)
	return nil
}

// appendUnique adds a string to the list under key unless it is there.
func appendUnique(m *yaml.Node, key, value string) {
	if _, list := mapEntry(m, key); list != nil && findScalar(list, value) != nil {
		return
	}
	_ = appendValue(m, key, value) // a string always encodes
}

// pieces are the Flux Kustomization's own changes: its patches, and the
// namespace and name affixes it sets.
func (f *Flux) pieces() []Piece {
	if f == nil {
		return nil
	}
	var out []Piece
	for _, p := range f.Patches {
		piece := p.At
		piece.target = p.Patch.Target
		piece.Kind = patchKind(piece.Data)
		out = append(out, piece)
	}
	fields := map[string][]string{}
	if f.TargetNamespace != "" {
		fields["metadata.namespace"] = []string{"spec.targetNamespace"}
	}
	for key, v := range map[string]string{"spec.namePrefix": f.NamePrefix, "spec.nameSuffix": f.NameSuffix} {
		if v != "" {
			fields["metadata.name"] = append(fields["metadata.name"], key)
		}
	}
	if len(fields) > 0 {
		sort.Strings(fields["metadata.name"])
		p := f.Spec
		p.Kind, p.Fields = Fields, fields
		out = append(out, p)
	}
	return out
}

// substituteDisabled is the label or annotation value that turns Flux's
// substitution off for one object.
const substituteKey = "kustomize.toolkit.fluxcd.io/substitute"

var varName = regexp.MustCompile(`^[_[:alpha:]][_[:alpha:][:digit:]]*$`)

// substitute is the object's YAML after postBuild.substitute, with Flux's
// envsubst and its non-strict mapping (an unset variable is empty, so
// ${var:=default} gives the default). Flux substitutes only when it has
// variables; the ones substituteFrom would add are not known here.
func (f *Flux) substitute(res *resource.Resource) ([]byte, error) {
	data, err := res.AsYAML()
	if err != nil {
		return nil, fmt.Errorf("writing %s as YAML: %w", res.CurId(), err)
	}
	if f == nil || len(f.Substitute) == 0 || res.GetLabels()[substituteKey] == "disabled" || res.GetAnnotations()[substituteKey] == "disabled" {
		return data, nil
	}
	vars := map[string]string{}
	for k, v := range f.Substitute {
		if !varName.MatchString(k) {
			return nil, errorAt(f.File, f.Line, "postBuild.substitute: %q is not a variable name Flux accepts (letters, digits and _, not starting with a digit): rename it", k)
		}
		vars[k] = strings.ReplaceAll(v, "\n", "")
	}
	out, err := envsubst.Eval(string(data), func(name string) (string, bool) { return vars[name], true })
	if err != nil {
		return nil, errorAt(f.File, f.Line, "Flux's variable substitution fails on %s %s: %v: fix the ${...} expression", res.GetKind(), res.GetName(), err)
	}
	return []byte(out), nil
}

// notes say which substitutions were not made.
func (f *Flux) notes() []Note {
	if f == nil || len(f.SubstituteFrom) == 0 {
		return nil
	}
	applied := "none of its variables were substituted"
	if len(f.Substitute) > 0 {
		applied = "only postBuild.substitute was applied"
	}
	return []Note{{Subject: "Flux Kustomization " + f.Ref, File: f.File, Line: f.Line,
		Text: fmt.Sprintf("postBuild.substituteFrom (%s) is read from the cluster, which rehearse does not read: %s; give the values in postBuild.substitute to rehearse them",
			strings.Join(f.SubstituteFrom, ", "), applied)}}
}

// exists is true for a folder.
func exists(dir string) bool {
	info, err := os.Stat(dir)
	return err == nil && info.IsDir()
}
