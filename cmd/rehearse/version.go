// This file is `rehearse version` and `--version`: the module version and
// the commit the binary was built from, as the Go toolchain stamped them.

package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func versionCommand() *cobra.Command {
	return command("version", "print rehearse's version and the commit it was built from", "", versionSetup)
}

func versionSetup(*pflag.FlagSet) action {
	return func(_ context.Context, _ []string, stdout, _ io.Writer) error {
		_, err := fmt.Fprintf(stdout, "rehearse %s\n", versionString())
		return err
	}
}

// versionString reads the build information the toolchain embeds.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version: built without module support)"
	}
	return describeBuild(info)
}

// describeBuild is "v1.2.3 (commit 0123abcd, modified, go1.26.8)": a pure
// function of the build information, so that it can be tested.
func describeBuild(info *debug.BuildInfo) string {
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	commit, modified := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	switch {
	case commit == "":
		return fmt.Sprintf("%s (no commit recorded, %s)", version, info.GoVersion)
	case modified:
		return fmt.Sprintf("%s (commit %s, modified, %s)", version, commit, info.GoVersion)
	}
	return fmt.Sprintf("%s (commit %s, %s)", version, commit, info.GoVersion)
}
