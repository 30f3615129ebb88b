// Package metrics measures a Canary's metrics the way Flagger does.
//
// It renders the query of each kind of metric Flagger knows (the builtin
// request-success-rate and request-duration of every mesh or ingress
// provider, the deprecated inline query, and MetricTemplate queries), runs it
// as an instant query against a Prometheus HTTP API and returns one number.
// The semantics follow Flagger's scheduler_metrics.go, its observers and its
// Prometheus provider; the code is rehearse's own.
//
// The one deliberate difference in behaviour: every query carries an
// explicit evaluation time, because rehearse runs rollouts in virtual time
// and the synthetic Prometheus must answer "as of" the tick being decided.
// Flagger always asks for "now". Smaller differences, each failing a check
// Flagger would also fail, with a clearer reason: a scalar result is read
// rather than rejected as undecodable; an address that is not an http(s) URL
// is refused when the client is built rather than when the request fails; an
// inline query that does not render reports the render error, where Flagger
// sends an empty query.
package metrics
