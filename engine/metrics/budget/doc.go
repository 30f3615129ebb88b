// Package budget holds the limits every PromQL query and every query
// template must stay within, whatever machine runs them.
//
// A one-line MetricTemplate can otherwise take a shared CI runner down: a
// subquery at a millisecond step over a week holds hundreds of millions of
// points, a deeply nested expression stalls the parser, and a template's
// integer range spins for minutes before anything is sent. Prometheus bounds
// the samples a query loads (query.max-samples) and the points of a range
// query (11,000 per series), but not a subquery's steps. The limits here are
// counted in steps, points and bytes, never in wall time, so a query over
// budget fails the same way, with the same sentence, on every machine and in
// virtual time.
package budget
