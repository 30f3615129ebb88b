// Package sim replays a scenario against the engine: it builds the world the
// scenario describes (the memory cluster, the synthetic Prometheus fed by a
// traffic model that follows the engine's weights, the webhook receivers, a
// virtual clock), runs the engine's runner tick by tick, and records every
// tick for the reports.
package sim
