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
