// Package chaosreport writes a chaos run's report: which injected faults
// changed a rollout's outcome, what each fault did and what the engine did
// about it, as a terminal table, chaos.md and chaos.json.
//
// sim/chaos runs the trials and builds the Result; the package is named
// chaosreport so that the two read apart where both are imported.
package chaosreport
