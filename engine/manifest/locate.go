// This file is Doc, a YAML document that still knows where each value was written, and the path
// resolution behind Pos, KeyPos, Has and Errorf.

package manifest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// Doc is one YAML document that still knows where each value was written,
// so that a check made after decoding can point at the offending line.
type Doc struct {
	file   string
	offset int
	data   []byte
	root   *yaml.Node // nil for an empty document
	// src, for an object kustomize rendered, places its fields in the
	// files that wrote them instead of in data, which no user wrote.
	src *sourceMap
	// asJSON converts data to JSON once: a scenario file is read as JSON
	// twice (its kind, then the whole), and each conversion parses the
	// YAML again (issue 13).
	asJSON func() ([]byte, error)
}

// ParseDoc reads one YAML document (no "---" splitting). lineOffset is added
// to every line, for documents cut out of a larger file. A syntax error is
// returned as an *Error with the file's line.
func ParseDoc(file string, data []byte, lineOffset int) (*Doc, error) {
	data = normalize(data)
	d := &Doc{file: file, offset: lineOffset, data: data}
	d.asJSON = sync.OnceValues(func() ([]byte, error) { return sigsyaml.YAMLToJSON(data) })
	if err := d.encodingError(data); err != nil {
		return nil, err
	}
	if err := d.utf8Error(data); err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, d.syntaxError(err)
	}
	if err := d.nestingError(&n); err != nil {
		return nil, err
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 && !isNull(n.Content[0]) {
		d.root = n.Content[0]
	}
	return d, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (d *Doc) syntaxError(err error) *Error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return &Error{File: d.file, Line: d.offset + 1, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: "), Err: err}
	}
	line, _ := strconv.Atoi(m[1])
	return &Error{File: d.file, Line: d.offset + line, Msg: "not valid YAML: " + m[2], Err: err}
}

// File is the name the document was read from.
func (d *Doc) File() string { return d.file }

// Empty is true for a document holding nothing but comments or null.
func (d *Doc) Empty() bool { return d.root == nil }

// Line is the line of the document's first value in the file.
func (d *Doc) Line() int {
	if d.root == nil {
		return d.offset + 1
	}
	return d.offset + d.root.Line
}

// Pos is where the value at path was written: the value itself for a
// scalar, its key for a mapping or a list. When the path does not exist
// (a missing field), it is the nearest ancestor that does. Paths look like
// "spec.analysis.metrics[0].name"; a map key holding dots may be written
// `versions["ghcr.io/x:1"]`, or plainly, since keys are matched against
// the document.
func (d *Doc) Pos(path string) (line, col int) {
	r := d.resolve(path)
	n := r.value
	if r.key != nil && (!r.complete || n.Kind != yaml.ScalarNode) {
		n = r.key
	}
	return d.at(n)
}

// KeyPos is where the key of the last element of path was written, or Pos
// when that element is a list item.
func (d *Doc) KeyPos(path string) (line, col int) {
	r := d.resolve(path)
	if r.key != nil {
		return d.at(r.key)
	}
	return d.at(r.value)
}

// ContentOffset is the line offset of the text of the string at path:
// line 1 of that text is line ContentOffset+1 of the file. It lets an
// embedded document (a block scalar holding manifests) report its own lines.
func (d *Doc) ContentOffset(path string) int {
	r := d.resolve(path)
	if !r.complete {
		return d.Line() - 1
	}
	line, _ := d.at(r.value)
	if r.value.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return line // the text starts on the line after the | or > indicator
	}
	return line - 1
}

// Has is true when path exists in the document.
func (d *Doc) Has(path string) bool { return d.resolve(path).complete }

// Errorf builds an *Error at path's position, with path as the field.
func (d *Doc) Errorf(path, format string, args ...any) *Error {
	if d == nil {
		return &Error{Field: path, Msg: fmt.Sprintf(format, args...)}
	}
	file, line, col := d.place(path, false)
	return &Error{File: file, Line: line, Column: col, Field: d.resolve(path).field(path), Msg: fmt.Sprintf(format, args...)}
}

// place is where the value (or, with key, the key) at path was written:
// in this document, or for a rendered object in the user's file that set it.
func (d *Doc) place(path string, key bool) (file string, line, col int) {
	switch {
	case d.src != nil:
		return d.src.place(d, path, key)
	case key:
		line, col = d.KeyPos(path)
	default:
		line, col = d.Pos(path)
	}
	return d.file, line, col
}

func (d *Doc) at(n *yaml.Node) (line, col int) {
	if n == nil {
		return d.Line(), 0
	}
	return d.offset + n.Line, n.Column
}

// step is one element of a path: a mapping key or a list index.
type step struct {
	key   string
	index int
	isIdx bool
}

// resolved is how far a path reached into the document.
type resolved struct {
	steps      []step
	key, value *yaml.Node
	complete   bool
}

// render spells the reached steps for a message; keys that would be
// ambiguous in dotted form are bracketed and quoted.
func (r resolved) render() string {
	var b strings.Builder
	for _, s := range r.steps {
		b.WriteString(s.String(b.Len() == 0))
	}
	return b.String()
}

// field names the path for a message: as resolved when the whole path
// exists (keys with dots bracketed), else as the caller wrote it.
func (r resolved) field(path string) string {
	if r.complete {
		return r.render()
	}
	return path
}

func (s step) String(first bool) string {
	switch {
	case s.isIdx:
		return "[" + strconv.Itoa(s.index) + "]"
	case strings.ContainsAny(s.key, ".[]\"' ") || s.key == "":
		return "[" + strconv.Quote(s.key) + "]"
	case first:
		return s.key
	default:
		return "." + s.key
	}
}

func (d *Doc) resolve(path string) resolved {
	r := resolved{value: d.root}
	rest := path
	for rest != "" && r.value != nil {
		next, tail, ok := d.advance(r.value, rest)
		if !ok {
			return r
		}
		r.steps = append(r.steps, next.step)
		r.key, r.value, rest = next.key, next.value, tail
	}
	r.complete = rest == "" && r.value != nil
	return r
}

// reached is one step taken into the document.
type reached struct {
	step
	key, value *yaml.Node
}

// advance takes one step of path into n and returns the rest of the path.
func (d *Doc) advance(n *yaml.Node, path string) (reached, string, bool) {
	n = deref(n)
	path = strings.TrimPrefix(path, ".")
	if strings.HasPrefix(path, "[") {
		return bracketStep(n, path)
	}
	if n.Kind != yaml.MappingNode {
		return reached{}, path, false
	}
	return plainKeyStep(n, path)
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// plainKeyStep matches the longest key of mapping n that prefixes path up to
// a '.', a '[' or the end, so that keys holding dots still resolve.
func plainKeyStep(n *yaml.Node, path string) (reached, string, bool) {
	best := -1
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if strings.HasPrefix(path, k) && endsStep(path, len(k)) && (best < 0 || len(k) > len(n.Content[best].Value)) {
			best = i
		}
	}
	if best < 0 {
		return reached{}, path, false
	}
	k := n.Content[best]
	return reached{step: step{key: k.Value}, key: k, value: n.Content[best+1]}, path[len(k.Value):], true
}

func endsStep(path string, i int) bool {
	return i == len(path) || path[i] == '.' || path[i] == '['
}

// bracketStep handles [3] (a list index) and ["key"] (a quoted mapping key).
func bracketStep(n *yaml.Node, path string) (reached, string, bool) {
	inner, tail, ok := cutBracket(path)
	if !ok {
		return reached{}, path, false
	}
	if key, err := strconv.Unquote(inner); err == nil {
		return keyStep(n, key, tail)
	}
	i, err := strconv.Atoi(inner)
	if err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
		return reached{}, path, false
	}
	return reached{step: step{index: i, isIdx: true}, value: n.Content[i]}, tail, true
}

// cutBracket splits `[inner]tail`, skipping brackets inside a quoted key.
func cutBracket(path string) (inner, tail string, ok bool) {
	if strings.HasPrefix(path, `["`) {
		if q, err := strconv.QuotedPrefix(path[1:]); err == nil && strings.HasPrefix(path[1+len(q):], "]") {
			return q, path[2+len(q):], true
		}
		return "", path, false
	}
	end := strings.IndexByte(path, ']')
	if end < 0 {
		return "", path, false
	}
	return path[1:end], path[end+1:], true
}

func keyStep(n *yaml.Node, key, tail string) (reached, string, bool) {
	if n.Kind != yaml.MappingNode {
		return reached{}, tail, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return reached{step: step{key: key}, key: n.Content[i], value: n.Content[i+1]}, tail, true
		}
	}
	return reached{}, tail, false
}
