// This file benchmarks loading the whole scenario library, manifests included.

package scenarios

import "testing"

// BenchmarkLoadLibrary loads every library scenario with its manifests.
func BenchmarkLoadLibrary(b *testing.B) {
	for b.Loop() {
		if _, err := Load("library"); err != nil {
			b.Fatal(err)
		}
	}
}
