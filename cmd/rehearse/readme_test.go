// This file keeps the README's example output true: the test runs the
// command the README names, from the repository's root as a reader would,
// and compares its output with the fenced block between the markers.
// `go test ./cmd/rehearse -run TestREADMEExample -update` rewrites the block.

package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's example output from the command's")

// exampleBlock finds a marked example: the command in the opening marker,
// then a fenced block holding its output.
var exampleBlock = regexp.MustCompile("(?s)(<!-- example-output: ([^>]*?) -->\n```\n)(.*?)(```\n<!-- end example-output -->)")

func TestREADMEExample(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme := filepath.Join(root, "README.md")
	text := readFile(t, readme)
	blocks := exampleBlock.FindAllStringSubmatchIndex(text, -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no <!-- example-output: rehearse ... --> block")
	}
	var b strings.Builder
	last := 0
	for _, m := range blocks {
		command, shown := text[m[4]:m[5]], text[m[6]:m[7]]
		got := exampleOutput(t, root, command)
		if got != shown && !*update {
			t.Errorf("README.md's output of %q is stale (run go test ./cmd/rehearse -run TestREADMEExample -update):\n%s",
				command, firstLineDiff(shown, got))
		}
		b.WriteString(text[last:m[6]] + got)
		last = m[7]
	}
	b.WriteString(text[last:])
	if *update {
		if err := os.WriteFile(readme, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// exampleOutput runs "rehearse ARGS" from root with the reports in a temp
// folder, and words the output as the default --out would.
func exampleOutput(t *testing.T, root, command string) string {
	t.Helper()
	args := strings.Fields(command)
	if len(args) < 2 || args[0] != "rehearse" {
		t.Fatalf("example %q: the marker must name a rehearse command", command)
	}
	out := t.TempDir()
	cmd := exec.Command(builtBinary(t), append(args[1:2], append([]string{"--out", out}, args[2:]...)...)...)
	cmd.Dir = root
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	return strings.ReplaceAll(stdout.String(), out, "out")
}

// firstLineDiff shows the first line where the README and the command part.
func firstLineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + itoa(i+1) + ":\nREADME:  " + wl + "\ncommand: " + gl
		}
	}
	return ""
}
