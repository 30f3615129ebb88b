// Package engine is rehearse's heart: Flagger's rollout decision as a pure
// function.
//
// Step takes a Canary (spec and status), what the world answered so far
// (Observations) and the time, and returns a Decision: the actions to apply,
// the next status, the events and reasons, and when to look again. It reads no
// clock, does no I/O and holds no client, so the simulator can run it in
// virtual time thousands of times a second and a controller can run it in wall
// time against a real cluster, with the same code.
//
// Flagger asks its webhooks and metrics lazily, in order, and stops at the
// first failure; which ones it asks is observable (a gate, a load test). To
// keep that order without I/O, Step is re-entrant: when it needs an answer it
// does not have, it returns a Decision whose Ask names the question. The
// runner asks the world and calls Step again with the answer added. Because
// Step is pure, replaying the tick from the top with more answers is exact.
package engine
