// This file holds the pure checks: what one file's opening looks like, and
// which problems a package's files add up to.

package conventions

import (
	"fmt"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// File is what the checks need to know of one Go file.
type File struct {
	Name string
	// Test is true for _test.go files; go doc never reads their comments.
	Test bool
	// Opens is true when the file's first line is a comment.
	Opens bool
	// Doc is true when a comment sits directly above the package clause,
	// which makes it part of the package documentation.
	Doc bool
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
	first := strings.TrimLeft(string(src), "\ufeff")
	return File{
		Name:      name,
		Test:      strings.HasSuffix(name, "_test.go"),
		Opens:     strings.HasPrefix(first, "//") || strings.HasPrefix(first, "/*"),
		Doc:       f.Doc != nil,
		Generated: strings.HasPrefix(first, "// Code generated") && strings.Contains(firstLine(first), "DO NOT EDIT"),
	}, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Problems lists what is wrong with one package's files, worded for the
// person who must fix it. pkg names the package (its folder) in the messages.
func Problems(pkg string, files []File) []string {
	var out, docs []string
	for _, f := range files {
		if !f.Opens && !f.Generated {
			out = append(out, fmt.Sprintf("%s: the first line is not a comment; open the file with `// This file ...` saying what it is for, then a blank line", f.Name))
		}
		if f.Doc && !f.Test && !f.Generated {
			docs = append(docs, f.Name)
		}
	}
	switch {
	case len(docs) == 0 && hasCode(files):
		out = append(out, fmt.Sprintf("%s: no file documents the package; put a `// Package ...` comment directly above the package clause in doc.go", pkg))
	case len(docs) > 1:
		sort.Strings(docs)
		out = append(out, fmt.Sprintf("%s: %d files put a comment directly above the package clause (%s); keep the package comment in one file and set the others' file comments apart with a blank line",
			pkg, len(docs), strings.Join(docs, ", ")))
	}
	return out
}

// hasCode is true when the package has a non-test file a person wrote, the
// files go doc would document.
func hasCode(files []File) bool {
	for _, f := range files {
		if !f.Test && !f.Generated {
			return true
		}
	}
	return false
}
