// This file is the command-line side of the --out lock: every command that
// writes a folder of reports holds the folder's lock from before its work
// until it exits, so a second command on the same --out learns at once that
// it is in use (exit 3, naming the holder) or, with --wait, waits its turn.

package main

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/rehearse-dev/rehearse/internal/outlock"
)

// waitFlag registers --wait on a command that writes --out.
func waitFlag(fs *pflag.FlagSet) *bool {
	return fs.Bool("wait", false, "when another rehearse command is writing to --out, wait for it to finish instead of exiting 3")
}

// lockOut locks out until the returned release is called.
func lockOut(ctx context.Context, out string, wait bool) (release func(), err error) {
	l, err := outlock.Acquire(ctx, out, wait)
	if err != nil {
		return nil, err
	}
	return func() { _ = l.Release() }, nil
}
