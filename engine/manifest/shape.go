// This file finds, at their own line, the values YAML accepts and the rest
// of the loader cannot take: bytes that are not UTF-8, a document nested
// deeper than any manifest needs, and .nan or .inf, which JSON cannot hold.

package manifest

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// MaxNesting bounds how deeply a document's mappings and lists nest. No
// manifest or scenario comes near it; encoding/json stops at 10,000 levels
// with an error that names no line.
const MaxNesting = 1000

// utf8Error is the line of the first byte that is not UTF-8, or nil.
func (d *Doc) utf8Error(data []byte) *Error {
	if utf8.Valid(data) {
		return nil
	}
	i := firstInvalidUTF8(data)
	line := 1 + bytes.Count(data[:i], []byte("\n"))
	col := i - bytes.LastIndexByte(data[:i], '\n')
	return &Error{File: d.file, Line: d.offset + line, Column: col,
		Msg: fmt.Sprintf("byte 0x%02x is not UTF-8 text: save the file as UTF-8 or remove the byte", data[i])}
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// nestingError names the first node nested deeper than MaxNesting.
func (d *Doc) nestingError(root *yaml.Node) *Error {
	type item struct {
		n     *yaml.Node
		depth int
	}
	stack := []item{{root, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		depth := it.depth
		if it.n.Kind == yaml.MappingNode || it.n.Kind == yaml.SequenceNode {
			depth++
		}
		if depth > MaxNesting {
			return &Error{File: d.file, Line: d.offset + it.n.Line, Column: it.n.Column,
				Msg: fmt.Sprintf("nested more than %d levels deep: no manifest or scenario needs that; flatten it", MaxNesting)}
		}
		for _, c := range it.n.Content {
			stack = append(stack, item{c, depth})
		}
	}
	return nil
}

// nonFiniteError names the first .nan or .inf value: YAML has them, JSON
// (and so every Kubernetes object and scenario field) does not.
func (d *Doc) nonFiniteError() *Error {
	var found *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if found != nil || n == nil {
			return
		}
		if n.Kind == yaml.ScalarNode && n.Tag == "!!float" && nonFinite(n.Value) {
			found = n
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(d.root)
	if found == nil {
		return nil
	}
	return &Error{File: d.file, Line: d.offset + found.Line, Column: found.Column,
		Msg: fmt.Sprintf("%s is not a number this field can take: write a finite number", found.Value)}
}

func nonFinite(v string) bool {
	switch strings.ToLower(strings.TrimLeft(v, "+-")) {
	case ".nan", ".inf":
		return true
	}
	return false
}
