// This file is Locate: it moves each finding from its object's line to its field's, reading the
// files' documents the way the loader cuts them.

package lint

import (
	"slices"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// Locate moves each finding that names a field to the line where that field
// (or, when it is not written, its nearest written parent) is, using the
// files' contents keyed by the names the findings carry. A finding whose
// file is not given keeps its line. The result is sorted again.
func Locate(findings []Finding, files map[string][]byte) []Finding {
	out := slices.Clone(findings)
	docs := map[string]*fileDocs{}
	for i := range out {
		f := &out[i]
		data, ok := files[f.File]
		if f.Field == "" || !ok {
			continue
		}
		if docs[f.File] == nil {
			docs[f.File] = splitFile(f.File, data)
		}
		if d := docs[f.File].at(f.Line); d != nil {
			f.Line, _ = d.Pos(f.Field)
		}
	}
	sortFindings(out)
	return out
}

// fileDocs is one file cut into documents the way the loader cuts it, so
// lines agree; a document is parsed only when a finding points into it.
type fileDocs struct {
	file   string
	parts  []manifest.Document
	parsed map[int]*manifest.Doc
}

func splitFile(file string, data []byte) *fileDocs {
	return &fileDocs{file: file, parts: manifest.SplitDocuments(data), parsed: map[int]*manifest.Doc{}}
}

// at is the document holding line: the last one that starts before it. A
// document that does not parse gives nil (the loader refused it anyway).
func (fd *fileDocs) at(line int) *manifest.Doc {
	i := -1
	for j, p := range fd.parts {
		if p.LineOffset < line {
			i = j
		}
	}
	if i < 0 {
		return nil
	}
	if d, done := fd.parsed[i]; done {
		return d
	}
	d, err := manifest.ParseDoc(fd.file, fd.parts[i].Data, fd.parts[i].LineOffset)
	if err != nil || d.Empty() {
		d = nil
	}
	fd.parsed[i] = d
	return d
}
