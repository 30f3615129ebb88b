// Package fault injects a scenario's faults at the boundaries of a
// rehearsal's world, the way controller-runtime's client interceptors do:
// the engine's cluster client (errors and conflicts on the verbs a fault
// names), the transport it queries Prometheus through (refused, slower than
// the provider's timeout) and the synthetic Prometheus server itself (wrong
// answers), and the webhook receivers (answers a fault dictates).
//
// A Plan decides which faults are in force, when and on which calls,
// seeded so that a chaos run is as repeatable as any other; the decorators
// ask it, and nothing else in the world asks whether a fault is on.
package fault
