// Package traffic writes the samples a mesh or ingress would export for one
// workload version, so that Flagger's builtin queries, run by the real PromQL
// engine over them, return the success rate and latency a scenario asks for.
//
// A Generator owns one workload version's series (the canary's or the
// primary's, with labels the canary's query does not select) and keeps their
// cumulative counters. Each Emit adds what happened since the previous one
// and appends one sample per series at the given time: call it at a scrape
// interval well inside the metric interval (every 5-15 s for a 1m range), as
// a real Prometheus would scrape.
//
// Latency is log-normal, fitted to the P50 and P99 asked for, over one fixed
// bucket layout (bucketsMillis, latency.go). Prometheus' histogram_quantile
// interpolates linearly inside a bucket, which on 39 buckets would miss a
// narrow distribution's P99 by up to 16%; so the two bucket boundaries around
// the P99 are set on the straight line that makes the interpolation return
// the P99 exactly. Every other boundary, the _sum and the _count follow the
// log-normal.
//
// The series a Canary's own queries read follow the same traffic. Selectors
// parses a rendered query with Prometheus's parser, and planSelectors
// (plan.go), a pure planner, turns each selector into a Plan, or an *Unmappable saying why
// it cannot: a counter, latency histogram or latency gauge (classify.go),
// labelled for the version its matchers select (roles.go, variants.go) and
// split into good answers and errors as its matchers split them.
// Synthesize does it for a whole Canary, leaving alone what the builtin
// series answer, and AddPlans (write.go) adds the plans to a Generator.
package traffic
