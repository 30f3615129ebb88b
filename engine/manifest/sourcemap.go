// This file places the fields of a kustomize-rendered object in the files that wrote them: the last
// patch or kustomization field that set a field, else the resource it started as.

package manifest

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/rehearse-dev/rehearse/engine/gitops"
)

// sourceMap places the fields of a rendered object (kustomize's output,
// which no user wrote) in the files that did write them: the last patch or
// kustomization field that set a field, else the resource it started as.
type sourceMap struct {
	source *piece   // the resource the object started as
	layers []*piece // what changed it after, in the order applied
}

// piece is a gitops.Piece parsed: the document that concerns the object.
type piece struct {
	kind   gitops.PieceKind
	file   string
	doc    *Doc // nil when the object's document was not found (placed at line 1)
	anchor string
	fields map[string][]string
}

// newSourceMap parses the pieces of a rendered object of kind and name.
func newSourceMap(o gitops.Object, kind, name string) *sourceMap {
	m := &sourceMap{source: parsePiece(o.Source, kind, name)}
	for _, p := range o.Layers {
		if pc := parsePiece(p, kind, name); pc.doc != nil {
			m.layers = append(m.layers, pc)
		}
	}
	return m
}

func parsePiece(p gitops.Piece, kind, name string) *piece {
	pc := &piece{kind: p.Kind, file: p.File, anchor: p.Anchor, fields: p.Fields}
	if p.Kind == gitops.Document && p.Anchor == "" {
		pc.doc = pickDocument(p, kind, name)
		return pc
	}
	if d, err := ParseDoc(p.File, p.Data, p.LineOffset); err == nil && !d.Empty() {
		pc.doc = d
	}
	return pc
}

// pickDocument is the document of p about the object: of its kind, with
// the longest name that the object's name contains (prefixes and suffixes
// only add to a name).
func pickDocument(p gitops.Piece, kind, name string) *Doc {
	var best *Doc
	bestLen := 0
	for _, part := range SplitDocuments(p.Data) {
		d, err := ParseDoc(p.File, part.Data, part.LineOffset+p.LineOffset)
		if err != nil || d.Empty() || scalarAt(d, "kind") != kind {
			continue
		}
		n := scalarAt(d, "metadata.name")
		if n != "" && strings.Contains(name, n) && len(n) > bestLen {
			best, bestLen = d, len(n)
		}
	}
	return best
}

// place is where the field at path of the rendered document was written;
// key asks for the key's position rather than the value's.
func (m *sourceMap) place(rendered *Doc, path string, key bool) (file string, line, col int) {
	for i := len(m.layers) - 1; i >= 0; i-- {
		if l, c, ok := m.layers[i].owns(rendered, path, key); ok {
			return m.layers[i].file, l, c
		}
	}
	return m.source.nearest(rendered, path, key)
}

// line is the file and line of the object where it started.
func (m *sourceMap) line() (string, int) {
	if m.source.doc == nil {
		return m.source.file, 1
	}
	if m.source.anchor != "" {
		l, _ := m.source.doc.Pos(m.source.anchor)
		return m.source.file, l
	}
	return m.source.file, m.source.doc.Line()
}

// identity fields name a patch's target; a patch writes them without
// changing them.
var identity = map[string]bool{"": true, "apiVersion": true, "kind": true, "metadata": true, "metadata.name": true, "metadata.namespace": true}

// owns is true when this piece set the field at path, with its position.
func (p *piece) owns(rendered *Doc, path string, key bool) (line, col int, ok bool) {
	switch p.kind {
	case gitops.Fields:
		return p.ownsField(path)
	case gitops.JSONPatch:
		return p.ownsOperation(rendered, path)
	}
	if identity[path] {
		return 0, 0, false
	}
	k, v, complete := translate(rendered, p.doc, path)
	if !complete {
		return 0, 0, false
	}
	if rv := rendered.resolve(path).value; v.Kind == yaml.ScalarNode && (rv == nil || deref(rv).Value != v.Value) {
		return 0, 0, false // the patch wrote another value, which something later replaced
	}
	l, c := p.doc.at(choose(k, v, key))
	return l, c, true
}

// ownsField places a field a kustomization sets on every object: the
// metadata.labels.env of commonLabels at commonLabels.env.
func (p *piece) ownsField(path string) (line, col int, ok bool) {
	for prefix, paths := range p.fields {
		rest, found := strings.CutPrefix(path, prefix)
		if !found || (rest != "" && rest[0] != '.' && rest[0] != '[') {
			continue
		}
		for _, kp := range paths {
			if p.doc.Has(kp + rest) {
				l, c := p.doc.KeyPos(kp + rest)
				return l, c, true
			}
		}
	}
	return 0, 0, false
}

// ownsOperation places a field a JSON patch operation wrote (the field,
// or one inside or around it) at the operation's value.
func (p *piece) ownsOperation(rendered *Doc, path string) (line, col int, ok bool) {
	if p.doc.root == nil || p.doc.root.Kind != yaml.SequenceNode {
		return 0, 0, false
	}
	r := rendered.resolve(path)
	if !r.complete {
		return 0, 0, false // a field the object does not have was not written by a patch
	}
	want := tokens(r.steps)
	for _, op := range p.doc.root.Content {
		_, ptr := mapEntryNode(op, "path")
		if ptr == nil || !related(pointerTokens(ptr.Value), want) {
			continue
		}
		n := op
		if _, v := mapEntryNode(op, "value"); v != nil {
			n = v
		}
		l, c := p.doc.at(n)
		return l, c, true
	}
	return 0, 0, false
}

// nearest places path in the resource the object started as: the field,
// or its nearest ancestor written there.
func (p *piece) nearest(rendered *Doc, path string, key bool) (file string, line, col int) {
	if p.doc == nil {
		return p.file, 1, 0
	}
	if p.anchor != "" {
		l, c := p.doc.KeyPos(p.anchor)
		return p.file, l, c
	}
	k, v, complete := translate(rendered, p.doc, path)
	if !complete {
		key = true
	}
	l, c := p.doc.at(choose(k, v, key))
	return p.file, l, c
}

// choose is the node to point at, as Doc.Pos and Doc.KeyPos do.
func choose(k, v *yaml.Node, key bool) *yaml.Node {
	if k != nil && (key || deref(v).Kind != yaml.ScalarNode) {
		return k
	}
	return v
}

// translate follows path of the rendered document in another document
// shaped like it (a resource, a patch), matching list items by their name
// (or another key kustomize merges lists by) rather than by position. It
// returns the last key and value reached, and whether all of path was.
func translate(rendered, other *Doc, path string) (key, value *yaml.Node, complete bool) {
	r := rendered.resolve(path)
	rn, on := rendered.root, other.root
	for _, s := range r.steps {
		rn, on = deref(rn), deref(on)
		next, nextKey, found := stepInto(rn, on, s)
		if !found {
			return key, on, false
		}
		rn, on, key = next.rendered, next.other, nextKey
	}
	return key, on, r.complete
}

type pair struct{ rendered, other *yaml.Node }

func stepInto(rn, on *yaml.Node, s step) (pair, *yaml.Node, bool) {
	if s.isIdx {
		if on == nil || on.Kind != yaml.SequenceNode || s.index >= len(rn.Content) {
			return pair{}, nil, false
		}
		item := rn.Content[s.index]
		i := matchingItem(item, on, s.index)
		if i < 0 {
			return pair{}, nil, false
		}
		return pair{item, on.Content[i]}, nil, true
	}
	k, v := mapEntryNode(on, s.key)
	if v == nil {
		return pair{}, nil, false
	}
	_, rv := mapEntryNode(rn, s.key)
	return pair{rv, v}, k, true
}

// mergeKeys are the fields kustomize merges lists of unknown types by
// (kyaml's associative keys), tried in this order.
var mergeKeys = []string{"name", "mountPath", "devicePath", "ip", "type", "topologyKey", "containerPort"}

// matchingItem is the index in list of the item matching item: the same
// merge key value, else the same position.
func matchingItem(item, list *yaml.Node, index int) int {
	for _, mk := range mergeKeys {
		_, want := mapEntryNode(deref(item), mk)
		if want == nil || want.Kind != yaml.ScalarNode {
			continue
		}
		for i, c := range list.Content {
			if _, got := mapEntryNode(deref(c), mk); got != nil && got.Value == want.Value {
				return i
			}
		}
		return -1
	}
	if index < len(list.Content) {
		return index
	}
	return -1
}

func mapEntryNode(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// tokens spells steps as JSON pointer tokens.
func tokens(steps []step) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		if s.isIdx {
			out[i] = strconv.Itoa(s.index)
		} else {
			out[i] = s.key
		}
	}
	return out
}

// pointerTokens splits a JSON pointer (/spec/a~1b/0) into its tokens.
func pointerTokens(ptr string) []string {
	if ptr == "" || ptr == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

// related is true when one token path is the other or lies inside it.
func related(a, b []string) bool {
	n := min(len(a), len(b))
	if n == 0 {
		return len(a) == len(b)
	}
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
