// Package realprom is the real-Prometheus test tier: it runs Debian's
// Prometheus server (the `prometheus` package, /usr/bin/prometheus) on
// 127.0.0.1 with a generated configuration that scrapes a rehearsal's
// workloads every second, storage in a temporary folder and nothing remote,
// so that the engine's own Prometheus client can query a real server
// instead of the embedded one (sim.Options.Real, a realtraffic.Config: its Prometheus).
//
// Its test replays a short scenario in wall-clock time against it. The
// test skips, naming the install command, when the binary is missing
// (REHEARSE_REQUIRE_PROMETHEUS=1 makes that a failure, for `make test`),
// and stops Prometheus in every case.
package realprom
