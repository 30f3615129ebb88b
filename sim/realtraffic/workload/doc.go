// Package workload runs the pods of a rehearsal with real traffic: one
// loopback HTTP server per version (the primary's and the canary's), with
// podinfo's endpoints, answering as the scenario says the version behaves
// at the current virtual time (error rate, log-normal latency, readiness).
//
// Each server exports, on /metrics, the series that the provider's builtin
// queries read for its role, with client_golang: in a cluster the mesh's
// sidecar would record them; here the pod records its own requests. The
// series' names and labels are not written down here but taken from the
// traffic package's generator (Generator.Series), so the modelled and the
// real traffic cannot drift apart.
package workload
