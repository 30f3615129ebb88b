// Package layers keeps the project's imports running one way: engine knows
// nothing of the harness, scenarios nothing of the simulator or reports, and
// reports nothing of the simulator. Its test reads the import graph with
// `go list` and fails on the first import that runs back up a layer.
package layers
