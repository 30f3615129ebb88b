// This file lists the pieces of the user's files that may have written a rendered object (the
// resource, patches, generator entries, fields set on every object) and which objects each selects.

package gitops

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/types"
)

// PieceKind says how a Piece wrote an object's fields.
type PieceKind int

const (
	// Document pieces hold YAML documents shaped like the object: the
	// resource itself, or a strategic-merge patch. The caller picks the
	// document of the object's kind whose name the object's name contains.
	Document PieceKind = iota
	// JSONPatch pieces hold a JSON 6902 patch: a list of operations.
	JSONPatch
	// Fields pieces are a kustomization's (or a Flux Kustomization's) own
	// fields that set parts of every object (namespace, namePrefix, labels).
	Fields
)

// Piece is a part of a user's file that wrote some of a rendered object.
type Piece struct {
	Kind PieceKind
	File string
	// Data is the text: a whole file, or a patch written inline, whose
	// line 1 is line LineOffset+1 of File.
	Data       []byte
	LineOffset int
	// Anchor, when set, is the path in Data every field is placed at: the
	// configMapGenerator entry a generated ConfigMap came from.
	Anchor string
	// Fields maps an object's path (metadata.namespace) to the paths in
	// Data that may have set it (namespace, spec.targetNamespace); the rest
	// of a longer path is looked up under them (metadata.labels.env in
	// commonLabels.env).
	Fields map[string][]string

	target *types.Selector // the patch's target; nil: any object (the caller matches the document)
}

// pieces lists what a kustomization may change in its objects, in
// the order kustomize's builtin transformers run.
func (f *folder) pieces() []Piece {
	var out []Piece
	for i, p := range f.k.PatchesStrategicMerge {
		out = append(out, f.smpPiece(string(p), i))
	}
	for i, p := range f.k.Patches {
		out = append(out, f.patchPiece(p, "patches", i))
	}
	if p, ok := f.fieldsPiece(); ok {
		out = append(out, p)
	}
	for i, p := range f.k.PatchesJson6902 {
		out = append(out, f.patchPiece(p, "patchesJson6902", i))
	}
	return out
}

// smpPiece is a patchesStrategicMerge entry: a file, or the patch itself.
func (f *folder) smpPiece(entry string, i int) Piece {
	if !strings.Contains(entry, "\n") {
		path := filepath.Join(f.dir, entry)
		data, _ := os.ReadFile(path) // a missing file is kustomize's error to report
		return Piece{Kind: Document, File: path, Data: data}
	}
	return Piece{Kind: Document, File: f.file, Data: []byte(entry), LineOffset: textOffset(item(f.root, "patchesStrategicMerge", i))}
}

// patchPiece is a patches or patchesJson6902 entry, from its file or inline.
func (f *folder) patchPiece(p types.Patch, key string, i int) Piece {
	piece := Piece{File: f.file, Data: []byte(p.Patch), target: p.Target}
	if p.Path != "" {
		piece.File = filepath.Join(f.dir, p.Path)
		piece.Data, _ = os.ReadFile(piece.File)
	} else {
		_, text := mapEntry(item(f.root, key, i), "patch")
		piece.LineOffset = textOffset(text)
	}
	piece.Kind = patchKind(piece.Data)
	return piece
}

// patchKind tells a JSON 6902 patch (a list) from a strategic-merge one.
func patchKind(data []byte) PieceKind {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) == nil && len(doc.Content) > 0 && doc.Content[0].Kind == yaml.SequenceNode {
		return JSONPatch
	}
	return Document
}

// fieldsPiece places the fields a kustomization sets on every object.
func (f *folder) fieldsPiece() (Piece, bool) {
	m := map[string][]string{}
	add := func(objPath string, set bool, kustPath string) {
		if set {
			m[objPath] = append(m[objPath], kustPath)
		}
	}
	add("metadata.namespace", f.k.Namespace != "", "namespace")
	add("metadata.name", f.k.NamePrefix != "", "namePrefix")
	add("metadata.name", f.k.NameSuffix != "", "nameSuffix")
	add("metadata.labels", len(f.k.CommonLabels) > 0, "commonLabels")
	for i := range f.k.Labels {
		add("metadata.labels", true, fmt.Sprintf("labels[%d].pairs", i))
	}
	if len(m) == 0 {
		return Piece{}, false
	}
	return Piece{Kind: Fields, File: f.file, Data: f.data, Fields: m}, true
}

// generatorPiece is the configMapGenerator or secretGenerator entry that
// made an object named name: the longest entry name it contains.
func (f *folder) generatorPiece(generator, name string) Piece {
	key, names := "configMapGenerator", generatorNames(f.k.ConfigMapGenerator)
	if generator == "SecretGenerator" {
		key, names = "secretGenerator", secretNames(f.k.SecretGenerator)
	}
	best, anchor := -1, key
	for i, n := range names {
		if strings.Contains(name, n) && (best < 0 || len(n) > len(names[best])) {
			best, anchor = i, fmt.Sprintf("%s[%d]", key, i)
		}
	}
	return Piece{Kind: Document, File: f.file, Data: f.data, Anchor: anchor}
}

func generatorNames(args []types.ConfigMapArgs) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.Name
	}
	return out
}

func secretNames(args []types.SecretArgs) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.Name
	}
	return out
}

// selects is true when the patch may have changed the object. Names are
// matched loosely: a target written before an outer namePrefix still
// selects the prefixed object. Label and annotation selectors are not
// checked; the caller's own matching of the fields decides.
func (p Piece) selects(group, kind, name string) bool {
	t := p.target
	if t == nil {
		return true
	}
	if (t.Kind != "" && !matches(t.Kind, kind)) || (t.Group != "" && !matches(t.Group, group)) {
		return false
	}
	return t.Name == "" || matches(t.Name, name) || strings.Contains(name, t.Name)
}

// matches is kustomize's anchored regular expression match of a target field.
func matches(pattern, value string) bool {
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	return err == nil && re.MatchString(value)
}
