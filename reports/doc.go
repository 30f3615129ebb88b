// Package reports turns the recorded timeline of rehearsal runs into every
// output format: a JSON trace, a Markdown report per run, JUnit XML and a
// Markdown summary for CI, and a short table for the terminal.
//
// Every writer is byte-stable: the same runs always give the same bytes,
// because timestamps are virtual seconds, numbers have a fixed format, and
// lists of runs are sorted by scenario name. That is what lets golden files
// (and a reviewer's diff) compare reports across commits.
//
// The tools built on rehearsals write their own reports in peer packages:
// reports/sweep, reports/chaos, reports/backtest and reports/validate.
// What every writer shares (wording numbers and durations, JSON encoding,
// atomic writes, chart axes) is in reports/internal.
package reports
