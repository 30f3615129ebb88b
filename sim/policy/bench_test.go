// This file measures planning the example repository's rehearsals, without
// running them.

package policy

import (
	"os"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// BenchmarkBuild plans the example repository's rehearsals (no run).
func BenchmarkBuild(b *testing.B) {
	set, err := manifest.LoadFiles("../../fixtures/gitops-example")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Build(set, Options{ReadFile: os.ReadFile}); err != nil {
			b.Fatal(err)
		}
	}
}
