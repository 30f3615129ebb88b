// Package backtestreport writes a backtest's reports: for each Canary
// replayed over recorded metrics, backtest.md, backtest.html and
// backtest.json beside the rehearsal's own reports, with one SVG chart per
// metric (the recorded value, its bounds, the engine's checks and where
// the decision fell) and one of the weights the engine set.
//
// sim/backtest builds the Backtest it reads; the package is named
// backtestreport so that the two read apart where both are imported.
package backtestreport
