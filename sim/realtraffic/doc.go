// Package realtraffic is the real-traffic implementation of a rehearsal's
// traffic (--traffic real): virtual time follows the wall clock, scaled;
// real HTTP requests reach loopback workloads through a weighted proxy; hey
// load tests from webhooks run in-process; Prometheus (the embedded one or
// a real server) scrapes the workloads' /metrics. sim picks it at assembly
// instead of the modelled traffic; the run loop is the same.
//
// Its rooms: proxy (the mesh), workload (the two versions' servers),
// scrape (the scrape loop), load (hey and steady load), realprom (a real
// Prometheus server for the test tier).
package realtraffic
