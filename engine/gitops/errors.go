// This file is the package's error at a file and line, and ErrNotRendered, the mark of a build left
// out with a note (remote base, Helm) rather than a repository refused.

package gitops

import (
	"errors"
	"fmt"
)

// ErrNotRendered marks a kustomization rehearse will not build (it would
// fetch a remote base or run Helm): a reason to leave that build out with a
// note, not to refuse the whole repository.
var ErrNotRendered = errors.New("not rendered")

// Error is a problem with a kustomization or a Flux Kustomization, placed
// in the user's file.
type Error struct {
	File string
	Line int // 0 when the problem is about the file as a whole
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Err }

func errorAt(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}
