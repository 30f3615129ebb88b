// This file places a problem found in a Canary at the line of the offending
// field, reading the Canary's file again when it can.

package policy

import (
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// locator places problems found in a Canary at the line of the offending
// field, reading the Canary's file again when it can.
type locator struct {
	read  func(name string) ([]byte, error)
	files map[string][]manifest.Document
}

// errorAt is an error about field of the object written at origin. Without
// a file reader, or when the file changed, it points at the object.
func (l *locator) errorAt(origin manifest.Object, field, msg string) *manifest.Error {
	e := &manifest.Error{File: origin.File, Line: origin.Line, Field: field, Msg: msg}
	if d := l.doc(origin); d != nil {
		e.Line, e.Column = d.Pos(field)
	}
	return e
}

// doc is the document whose first value is at origin's line, as the
// loader cut and numbered it.
func (l *locator) doc(origin manifest.Object) *manifest.Doc {
	for _, part := range l.documents(origin.File) {
		d, err := manifest.ParseDoc(origin.File, part.Data, part.LineOffset)
		if err == nil && !d.Empty() && d.Line() == origin.Line {
			return d
		}
	}
	return nil
}

func (l *locator) documents(file string) []manifest.Document {
	if l.read == nil || file == "" {
		return nil
	}
	if docs, ok := l.files[file]; ok {
		return docs
	}
	if l.files == nil {
		l.files = map[string][]manifest.Document{}
	}
	data, err := l.read(file)
	if err != nil {
		l.files[file] = nil
		return nil
	}
	l.files[file] = manifest.SplitDocuments(data)
	return l.files[file]
}
