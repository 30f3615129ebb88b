// This file places kustomize's build errors, which name no line, on the line of the user's
// kustomizations and patches whose value the message quotes most specifically.

package gitops

import (
	"bytes"
	"strings"
)

// buildError places kustomize's error in the user's files. Kustomize's
// messages name what failed (a patch path, a target, a file) but no line,
// so the line is the one, in the kustomizations and patches of the build,
// whose value the message quotes most specifically.
func buildError(top *folder, folders []*folder, flux *Flux, err error) *Error {
	file, line := top.file, 1
	best := 0
	for _, c := range candidates(folders, flux) {
		f, l, n := c.find(err.Error())
		if n > best {
			file, line, best = f, l, n
		}
	}
	return &Error{File: file, Line: line, Err: err,
		Msg: "kustomize build of " + top.dir + " fails: " + err.Error() + ": fix what it names (a patch whose target or path does not exist, a missing file, a field kustomize does not know)"}
}

// text is a file's text as written, with the line its first line is on.
type text struct {
	file   string
	data   []byte
	offset int
}

// candidates lists the texts an error may be about, outermost first (an
// overlay's patch is likelier at fault than its base).
func candidates(folders []*folder, flux *Flux) []text {
	var out []text
	for _, p := range flux.pieces() {
		out = append(out, text{p.File, p.Data, p.LineOffset})
	}
	for i := len(folders) - 1; i >= 0; i-- {
		f := folders[i]
		out = append(out, text{f.file, f.data, 0})
		for _, p := range f.pieces() {
			if p.File != f.file {
				out = append(out, text{p.File, p.Data, 0})
			}
		}
	}
	return out
}

// find is the line whose value msg quotes, and the length of that value
// (0 when none of at least four characters is quoted).
func (t text) find(msg string) (file string, line, n int) {
	for i, l := range bytes.Split(t.data, []byte("\n")) {
		v := lineValue(string(l))
		if len(v) >= 4 && len(v) > n && strings.Contains(msg, v) {
			line, n = t.offset+i+1, len(v)
		}
	}
	return t.file, line, n
}

// lineValue is the value a YAML line writes: after "key:" and "- ", unquoted.
func lineValue(l string) string {
	v := strings.TrimSpace(l)
	v = strings.TrimPrefix(v, "- ")
	if k, rest, ok := strings.Cut(v, ": "); ok && !strings.ContainsAny(k, " \"'") {
		v = rest
	}
	return strings.Trim(strings.TrimSpace(v), `"'`)
}
