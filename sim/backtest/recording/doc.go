// Package recording reads metrics a Prometheus recorded during a real
// release, and maps them onto a Canary's world so that the Canary's own
// queries select them.
//
// Three sources are read, each with Prometheus's own code: a TSDB folder
// (an admin-API snapshot, a copied data directory, or what promtool's
// create-blocks-from writes) through tsdb.OpenDBReadOnly; an OpenMetrics
// or text-exposition file whose samples carry timestamps, through
// model/textparse; and a live Prometheus's /api/v1/query_range.
//
// A recording is data about someone else's workloads: Map renames the
// series the user says were the canary's and the primary's to the names
// the Canary's queries read, and the checks say in words what a recording
// lacks (a window it does not cover, a query no series answers, mixed
// scrape intervals) instead of letting a backtest quietly decide on
// nothing.
package recording
