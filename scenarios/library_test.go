// This file tests that every scenario in the shipped library loads.

package scenarios

import (
	"path/filepath"
	"strings"
	"testing"
)

// libraryNames are the scenarios the library must hold.
var libraryNames = []string{
	"good-release", "bad-release", "slow-latency", "webhook-failure", "blue-green", "ab-testing",
	"step-weights", "step-weight-promotion", "no-traffic", "confirm-rollout-closed", "confirm-promotion-late",
	"rollback-hook", "new-revision-mid-analysis", "canary-never-ready", "skip-analysis", "flapping-metric",
}

func TestLibraryLoads(t *testing.T) {
	loaded, err := Load("library")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Scenario{}
	for _, s := range loaded {
		byName[s.Name] = s
		if base := strings.TrimSuffix(filepath.Base(s.File), ".yaml"); base != s.Name {
			t.Errorf("%s: the file name must be the scenario name (%s)", s.File, s.Name)
		}
		if len(s.Description) < 40 || s.Expect.Outcome == "" || len(s.Expect.Ticks) == 0 {
			t.Errorf("%s: a library scenario needs a description a user understands, an outcome and tick expectations", s.Name)
		}
	}
	for _, name := range libraryNames {
		if byName[name] == nil {
			t.Errorf("library scenario %s is missing", name)
		}
	}
}
