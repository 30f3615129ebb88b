// This file benchmarks parsing one realistic GitOps file and loading the Flux fixture repository
// with its source maps.

package manifest

import (
	"os"
	"testing"
)

// BenchmarkParse measures one realistic GitOps file: Deployment, HPA, Canary.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/valid-podinfo-istio.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("valid-podinfo-istio.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadFluxRepo measures rendering the Flux fixture repository:
// two kustomize overlays (one through a Flux Kustomization) and their
// source maps.
func BenchmarkLoadFluxRepo(b *testing.B) {
	for b.Loop() {
		if _, err := LoadFiles(fluxRepo); err != nil {
			b.Fatal(err)
		}
	}
}
