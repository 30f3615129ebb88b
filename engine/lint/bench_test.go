// This file benchmarks linting the nine podinfo fixtures and locating their findings, as `rehearse
// lint` does after loading.

package lint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/manifest"
)

// BenchmarkLint lints each podinfo fixture (one Canary flavour a file, 9
// files) and moves the findings to their lines, as `rehearse lint FILE`
// does after loading. One op is all 9 files.
func BenchmarkLint(b *testing.B) {
	files, _ := filepath.Glob("../../fixtures/podinfo/*.yaml")
	sets := make([]*manifest.Set, len(files))
	contents := map[string][]byte{}
	for i, f := range files {
		var err error
		if sets[i], err = manifest.LoadFiles(f); err != nil {
			b.Fatal(err)
		}
		if contents[f], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, set := range sets {
			Locate(Lint(set, Options{}), contents)
		}
	}
}
