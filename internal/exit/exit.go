// Package exit is rehearse's exit-status contract, importable by every layer
// (it needs only the standard library), so that the layer which knows why an
// error happened is the one that classifies it, and cmd/rehearse only reads
// the class:
//
//	0   OK           every expectation held
//	1   Failed       an expectation did not hold (a verdict, never a crash)
//	2   BadInput     the user's input must change: a file, a flag, nothing to check
//	3   Environment  this machine cannot run it: no Docker, no envtest binaries,
//	                 a port in use, an unreachable Prometheus, a disk that refuses
//	                 the reports
//	130 Interrupted  SIGINT or SIGTERM stopped it
//
// An error nobody classified maps to 3, never to 2: an unclassified error is
// rehearse failing to complete the work (I/O, a backend, a bug), and telling
// the user to fix an input that is fine sends them the wrong way; nor is it
// 1, since CI reads 1 as a verdict on the release. Bad input is therefore
// always marked where it is detected, with BadInput or BadInputf.
package exit

import (
	"context"
	"errors"
	"fmt"
)

// The exit statuses, as CI reads them.
const (
	CodeOK          = 0
	CodeFailed      = 1
	CodeBadInput    = 2
	CodeEnvironment = 3
	CodeInterrupted = 130
)

// Sentinels each class matches with errors.Is.
var (
	// Failed means an expectation did not hold: the command's verdict.
	Failed = errors.New("expectations failed")
	// Interrupted means the user (or CI) stopped the command.
	Interrupted = errors.New("interrupted")

	errBadInput    = errors.New("bad input")
	errEnvironment = errors.New("the environment cannot run it")
)

// classed reads as its cause and also matches its class's sentinel.
type classed struct {
	error
	class error
}

func (c classed) Is(target error) bool { return target == c.class }

func (c classed) Unwrap() error { return c.error }

// BadInput marks err as the user's input to fix (exit 2). nil stays nil.
func BadInput(err error) error { return mark(err, errBadInput) }

// BadInputf words a bad-input error, with %w wrapping allowed.
func BadInputf(format string, args ...any) error {
	return BadInput(fmt.Errorf(format, args...))
}

// Environment marks err as the machine's (exit 3). nil stays nil.
func Environment(err error) error { return mark(err, errEnvironment) }

// Environmentf words an environment error, with %w wrapping allowed.
func Environmentf(format string, args ...any) error {
	return Environment(fmt.Errorf(format, args...))
}

func mark(err, class error) error {
	if err == nil {
		return nil
	}
	return classed{error: err, class: class}
}

// IsBadInput reports whether err, or an error it wraps, was marked BadInput.
func IsBadInput(err error) bool { return errors.Is(err, errBadInput) }

// IsEnvironment reports whether err, or an error it wraps, was marked Environment.
func IsEnvironment(err error) bool { return errors.Is(err, errEnvironment) }

// IsInterrupted reports whether err is an interruption: Interrupted, or the
// cancellation a signal context delivers.
func IsInterrupted(err error) bool {
	return errors.Is(err, Interrupted) || errors.Is(err, context.Canceled)
}

// Code is the exit status for err. The order matters where classes meet: an
// interruption wins (the user asked to stop; whatever broke after is its
// echo), then environment over bad input (a wrapped envtest failure may
// carry the scenario that was being loaded), then the verdict.
func Code(err error) int {
	switch {
	case err == nil:
		return CodeOK
	case IsInterrupted(err):
		return CodeInterrupted
	case IsEnvironment(err):
		return CodeEnvironment
	case IsBadInput(err):
		return CodeBadInput
	case errors.Is(err, Failed):
		return CodeFailed
	}
	return CodeEnvironment
}
