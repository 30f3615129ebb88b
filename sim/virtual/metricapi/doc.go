// Package metricapi holds the simulator's stand-ins for the metrics APIs
// other than Prometheus that Flagger's MetricTemplates can name: Datadog,
// CloudWatch, New Relic, Graphite and Dynatrace. Each speaks its API's HTTP
// shape (paths, parameters, headers, answer documents) to the engine's own
// production client, in the same process, through a transport that routes
// by host, as sim/virtual/prom's does for Prometheus.
//
// The values come from the traffic model that writes the synthetic
// Prometheus series: the feeder tells a Recorder what each version served
// in each scrape interval, and a stand-in answers a query by integrating
// those intervals over the query's own time window and buckets.
//
// A stand-in understands its query language well enough to find three
// things: which workload a query reads (the canary or the primary, by the
// names Flagger gives them), which measure (requests, 5xx errors, the
// requests that are not 5xx, latency as a mean or a percentile), and the
// arithmetic over them (ratios, percentages, sums, scaling). A query it
// cannot map gets the API's own "no data" answer, and the stand-in notes
// that the metric cannot be rehearsed, naming the query; it never makes a
// value up.
package metricapi
