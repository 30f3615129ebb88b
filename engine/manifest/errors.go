// This file is the loader's error at file:line:col with the field and what to fix, and Errors,
// every problem of one pass, sorted and open to errors.Is and errors.As.

package manifest

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a user's file, with where it was written and what to fix.
type Error struct {
	File   string
	Line   int // 1-based; 0 when the problem is about the file as a whole
	Column int // 1-based; 0 when unknown
	Field  string
	Msg    string
	Err    error
}

// Error renders "file:line:col: field: msg", dropping the parts that are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.location())
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.message())
	return b.String()
}

func (e *Error) location() string {
	file := e.File
	if file == "" {
		file = "<input>"
	}
	switch {
	case e.Line <= 0:
		return file
	case e.Column <= 0:
		return fmt.Sprintf("%s:%d", file, e.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", file, e.Line, e.Column)
	}
}

func (e *Error) message() string {
	switch {
	case e.Msg != "":
		return e.Msg
	case e.Err != nil:
		return e.Err.Error()
	default:
		return "invalid value"
	}
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errors is every problem found in one pass, sorted by file, line and column.
type Errors []*Error

// Error renders one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each problem to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Add appends err, flattening Errors and wrapping any other error as an
// *Error without a position. A nil err adds nothing.
func (es *Errors) Add(err error) {
	var many Errors
	var one *Error
	switch {
	case err == nil:
	case errors.As(err, &many):
		*es = append(*es, many...)
	case errors.As(err, &one):
		*es = append(*es, one)
	default:
		*es = append(*es, &Error{Err: err})
	}
}

// Err returns nil when there is no problem (never a typed nil) and the
// sorted list otherwise.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].before(es[j]) })
	return es
}

func (e *Error) before(o *Error) bool {
	if e.File != o.File {
		return e.File < o.File
	}
	if e.Line != o.Line {
		return e.Line < o.Line
	}
	return e.Column < o.Column
}
