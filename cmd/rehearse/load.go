// This file loads the scenarios a command was given and refuses nothing to
// check: a CI gate that passes on zero scenarios is worse than none.

package main

import (
	"strings"

	"github.com/rehearse-dev/rehearse/internal/exit"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// loadScenarios loads the scenario files and folders (subfolders too); a
// problem in them, or finding none, is bad input.
func loadScenarios(paths []string) ([]*scenarios.Scenario, error) {
	scs, err := scenarios.Load(paths...)
	if err != nil {
		return nil, exit.BadInput(err)
	}
	if len(scs) == 0 {
		return nil, exit.BadInputf("nothing to check: no scenario file (kind: Scenario) in %s", strings.Join(paths, ", "))
	}
	return scs, nil
}
