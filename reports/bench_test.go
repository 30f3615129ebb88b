// This file measures the run writers on a 40-tick run: the Markdown report,
// the JSON trace and a whole report set.

package reports

import (
	"io"
	"testing"
)

func BenchmarkWriteMarkdown40Ticks(b *testing.B) {
	r := gateClosedRun()
	for b.Loop() {
		if err := WriteMarkdown(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteJSON40Ticks(b *testing.B) {
	r := gateClosedRun()
	for b.Loop() {
		if err := WriteJSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteAll(b *testing.B) {
	runs := allRuns()
	dir := b.TempDir()
	for b.Loop() {
		if err := WriteAll(dir, runs); err != nil {
			b.Fatal(err)
		}
	}
}
