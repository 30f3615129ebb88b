// This file holds the pure checks: what one file's opening looks like, and
// which problems a package's files add up to.

package conventions

import (
	"fmt"
	"go/parser"
	"go/token"
	"path"
	"sort"
	"strings"
)

// File is what the checks need to know of one Go file.
type File struct {
	// Path is the file's slash-separated path from the module root.
	Path string
	// Package is the name in its package clause.
	Package string
	// Test is true for _test.go files; go doc never reads their comments.
	Test bool
	// Opens is true when the file's first line is a comment.
	Opens bool
	// Doc is the comment directly above the package clause, which go doc
	// makes part of the package documentation; empty when there is none.
	Doc string
	// Generated is true for files a tool wrote ("Code generated ... DO NOT EDIT.").
	Generated bool
}

// Inspect reads a file's opening: only the package clause and the comments
// before it are parsed.
func Inspect(name string, src []byte) (File, error) {
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.PackageClauseOnly|parser.ParseComments)
	if err != nil {
		return File{}, fmt.Errorf("reading %s: %w", name, err)
	}
	first := firstLine(strings.TrimPrefix(string(src), "\ufeff"))
	return File{
		Path:      name,
		Package:   f.Name.Name,
		Test:      strings.HasSuffix(name, "_test.go"),
		Opens:     strings.HasPrefix(first, "//") || strings.HasPrefix(first, "/*"),
		Doc:       f.Doc.Text(),
		Generated: strings.HasPrefix(first, "// Code generated ") && strings.HasSuffix(first, " DO NOT EDIT."),
	}, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSuffix(s[:i], "\r")
	}
	return s
}

// Problems lists, sorted, what is wrong with the files, worded for the
// person who must fix it. Files are grouped into packages by folder; test
// files do not count for the package comment, since go doc never reads them.
func Problems(files []File) []string {
	var out []string
	byDir := map[string][]File{}
	for _, f := range files {
		if !f.Opens {
			out = append(out, f.Path+": the first line is not a comment; open the file with `// This file ...` saying what it is for, then a blank line")
		}
		if !f.Test && !f.Generated {
			dir := path.Dir(f.Path)
			byDir[dir] = append(byDir[dir], f)
		}
	}
	for dir, fs := range byDir {
		out = append(out, packageProblems(dir, fs)...)
	}
	sort.Strings(out)
	return out
}

// packageProblems checks one package's non-test files a person wrote:
// exactly one carries the package comment, and it names the package.
func packageProblems(dir string, files []File) []string {
	var docs []string
	for _, f := range files {
		if f.Doc != "" {
			docs = append(docs, f.Path)
		}
	}
	switch len(docs) {
	case 0:
		return []string{fmt.Sprintf("%s: no file documents the package; put a `// Package %s ...` comment directly above the package clause in doc.go", dir, files[0].Package)}
	case 1:
		return wording(files, docs[0])
	}
	sort.Strings(docs)
	return []string{fmt.Sprintf("%s: %d files put a comment directly above the package clause (%s); keep the package comment in one file and set the others' file comments apart with a blank line",
		dir, len(docs), strings.Join(docs, ", "))}
}

// wording checks that the one package comment begins as go doc expects:
// "Package x" for a library, "Command x" (x the folder) for a program.
func wording(files []File, doc string) []string {
	for _, f := range files {
		if f.Path != doc {
			continue
		}
		want := []string{"Package", f.Package}
		if f.Package == "main" {
			want = []string{"Command", path.Base(path.Dir(f.Path))}
		}
		if words := strings.Fields(f.Doc); len(words) >= 2 && words[0] == want[0] && words[1] == want[1] {
			return nil
		}
		return []string{fmt.Sprintf("%s: the comment above the package clause is the package's documentation and must begin %q; make it the package comment, or set it apart with a blank line",
			f.Path, strings.Join(want, " "))}
	}
	return nil
}
