// This file checks the chaos report the built binary writes: human
// durations, what each fault did, and a sentence instead of an empty table.

package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestChaosReportReadsWell(t *testing.T) {
	lib := "../../scenarios/library/"
	nanos := regexp.MustCompile(`\d\.\d{4,}s\b|\dns\b`)
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"random faults on a good release", []string{"--seeds", "8", lib + "good-release.yaml"},
			[]string{"## Faults that changed the outcome", "the engine counted", "## Every kind of fault tried"}},
		{"a policy no fault moves", []string{"--faults", "catalogue", lib + "bad-release.yaml"},
			[]string{"No trial changed the outcome", "| prometheus down | 1 | 1 | 0 |"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			code, out, errOut := runBinary(t, append([]string{"chaos", "--out", dir}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			md := readFile(t, filepath.Join(dir, "chaos.md"))
			for _, w := range c.want {
				if !strings.Contains(md, w) {
					t.Errorf("chaos.md lacks %q:\n%s", w, md)
				}
			}
			if d := nanos.FindString(md + out); d != "" {
				t.Errorf("a duration in nanoseconds: %q", d)
			}
		})
	}
}
