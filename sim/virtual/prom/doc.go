// Package prom is the harness's synthetic Prometheus: the real PromQL engine
// over a real (in-memory head) TSDB, answering the real Prometheus HTTP API.
//
// The harness appends samples for virtual time t, commits them, and the
// engine's ordinary Prometheus client queries /api/v1/query at t. Because the
// engine and storage are Prometheus's own, a query answers exactly what a
// Prometheus server holding the same samples would answer; only the JSON
// encoding, parameter handling and routing are written here, following the
// format of Prometheus's web/api/v1.
//
// Two deliberate differences from a Prometheus server: an instant query
// without a time parameter is evaluated at Options.Now (the harness's
// virtual clock), and instant vectors are sorted by labels (Prometheus
// leaves them in storage order) unless the query orders them itself with
// sort() or sort_desc(), so answers never depend on the order in which
// series were first appended.
package prom
