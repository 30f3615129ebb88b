// Package sweepreport writes a threshold sweep's reports: the statistics
// of each combination of settings (detection and false-rollback rates with
// Wilson intervals, decision times bounded by order statistics, the blast
// radius of a bad release), the findings a reader acts on, and the CSV,
// JSON, terminal table and self-contained HTML page. It also merges the
// shards of a sweep run on several machines.
//
// sim/sweep runs the rehearsals and hands over a Result; the package is
// named sweepreport so that the two read apart where both are imported.
package sweepreport
