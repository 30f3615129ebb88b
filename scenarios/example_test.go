// This file shows, as a runnable example, how to load a scenario file.

package scenarios_test

import (
	"fmt"

	"github.com/rehearse-dev/rehearse/scenarios"
)

// Load reads scenario files (or folders of them) and checks them; a
// mistake comes back as an error naming the file and line.
func ExampleLoad() {
	scs, err := scenarios.Load("library/good-release.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	sc := scs[0]
	fmt.Println("scenario:", sc.Name)
	fmt.Println("canary:", sc.Canary.Namespace+"/"+sc.Canary.Name)
	fmt.Println("release:", sc.Release.From, "→", sc.Release.To)
	// Output:
	// scenario: good-release
	// canary: test/podinfo
	// release: ghcr.io/stefanprodan/podinfo:6.0.0 → ghcr.io/stefanprodan/podinfo:6.0.1
}
