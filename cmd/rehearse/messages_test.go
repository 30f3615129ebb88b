// This file checks, through the built binary, that what YAML accepts and a
// scenario cannot take is refused at its own line with what to fix.

package main

import (
	"os"
	"strings"
	"testing"
)

func TestMessagesPointAtTheirLine(t *testing.T) {
	dir := t.TempDir()
	canary, err := os.ReadFile(absFixture(t, "canary.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	negative := writeFile(t, dir, "negative-threshold.yaml", []byte(strings.Replace(string(canary), "threshold: 5", "threshold: -1", 1)))
	valid := string(validScenario(t, ""))
	lines := strings.Split(valid, "\n")
	lines[6] += " \xff" // line 7
	tests := []struct {
		name, path string
		want       []string
	}{
		{"invalid UTF-8 on line 7", writeFile(t, dir, "utf8.yaml", []byte(strings.Join(lines, "\n"))),
			[]string{"utf8.yaml:7:", "byte 0xff is not UTF-8 text"}},
		{".nan", writeScenario(t, dir, "nan.yaml", "  traffic: {rps: .nan}\n"),
			[]string{"nan.yaml:12:", ".nan is not a number this field can take"}},
		{"10,000 levels", writeScenario(t, dir, "deep.yaml", "  traffic: "+strings.Repeat("{a: ", 10000)+"1"+strings.Repeat("}", 10000)+"\n"),
			[]string{"deep.yaml:12:", "nested more than 1000 levels deep"}},
		{"threshold: -1", writeScenario(t, dir, "threshold.yaml", "  manifests: ["+quote(absFixture(t, "deployment.yaml"))+", "+quote(negative)+"]\n"),
			[]string{"negative-threshold.yaml:", "spec.analysis.threshold: -1 is negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runBinary(t, "run", "--out", t.TempDir(), tt.path)
			checkRefused(t, code, out, errOut, tt.want)
		})
	}
}
