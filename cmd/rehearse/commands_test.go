// This file lets tests call one subcommand as they did before the cobra
// tree: each helper runs the whole command line, flags parsed by cobra.

package main

import (
	"context"
	"io"
)

func subcommand(name string) action {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return execute(ctx, append([]string{name}, args...), stdout, stderr)
	}
}

var (
	runCommand        = subcommand("run")
	lintCommand       = subcommand("lint")
	validateCommand   = subcommand("validate")
	controllerCommand = subcommand("controller")
)
