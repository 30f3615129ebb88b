// Package backend is the one small interface every cluster a rehearsal runs
// on sits behind, Cluster, as kind has one for its node providers: memory
// gives each rehearsal an embedded API server of its own (sim/backend/memory),
// while envtest and kind share one real API server among a run's rehearsals,
// each scenario in namespaces of its own (sim/backend/kind starts kind's).
package backend
