// Package proxy is the mesh of a rehearsal with real traffic: a loopback
// reverse proxy in front of the primary and canary workloads that routes
// each request as the router the engine drives says: by weight, by A/B
// match (Istio-style header, URI, method, authority and query conditions)
// while A/B routing is on, and with mirroring (a copy to the canary, the
// answer from the primary).
package proxy
