// This file tests the command-line conventions on the built binary, as a
// user meets them: help, flags anywhere, version, completion, did-you-mean.

package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestConventionsOnTheBinary(t *testing.T) {
	lib := "../../scenarios/library/good-release.yaml"
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help on a subcommand", []string{"run", "--help"}, 0, "rehearse run [flags] PATH...", ""},
		{"short help", []string{"sweep", "merge", "-h"}, 0, "SHARD/sweep.json", ""},
		{"help command", []string{"help", "chaos"}, 0, "--faults", ""},
		{"flag after a path", []string{"run", lib, "--out", t.TempDir()}, 0, "1 passed, 0 failed", ""},
		{"version command", []string{"version"}, 0, "rehearse ", ""},
		{"version flag", []string{"--version"}, 0, "rehearse ", ""},
		{"bash completion", []string{"completion", "bash"}, 0, "__start_rehearse", ""},
		{"zsh completion", []string{"completion", "zsh"}, 0, "#compdef rehearse", ""},
		{"fish completion", []string{"completion", "fish"}, 0, "complete -c rehearse", ""},
		{"misspelt flag", []string{"run", "--clustr", "kind", lib}, 2, "", "did you mean --cluster?"},
		{"misspelt command", []string{"valdiate"}, 2, "", `did you mean "validate"?`},
		{"no command", nil, 2, "", "name a command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runBinary(t, c.args...)
			if code != c.code || !strings.Contains(stdout, c.stdout) || !strings.Contains(stderr, c.stderr) {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s\nwant %q on stdout, %q on stderr", code, c.code, stdout, stderr, c.stdout, c.stderr)
			}
		})
	}
}

func TestDescribeBuild(t *testing.T) {
	info := func(version string, settings ...debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: version}, Settings: settings}
	}
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "0123abcd"}
	dirty := debug.BuildSetting{Key: "vcs.modified", Value: "true"}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"release", info("v1.2.3", rev), "v1.2.3 (commit 0123abcd, go1.26.8)"},
		{"modified tree", info("v0.0.0-20261202-0123abcd+dirty", rev, dirty), "v0.0.0-20261202-0123abcd+dirty (commit 0123abcd, modified, go1.26.8)"},
		{"no vcs", info(""), "(devel) (no commit recorded, go1.26.8)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describeBuild(tt.info); got != tt.want {
				t.Errorf("describeBuild = %q, want %q", got, tt.want)
			}
		})
	}
}
