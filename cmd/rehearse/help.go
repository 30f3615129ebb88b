// This file holds each command's long help: what it does and where its
// reports go, as `rehearse CMD --help` prints it above the flags.

package main

const runLong = `Replay scenario files (or folders of them, searched recursively) and write
reports to --out (default out/): DIR/<scenario>/report.{json,md}, DIR/junit.xml,
DIR/summary.md.`

const lintLong = `Check Canary and MetricTemplate manifests for what Flagger only finds out
during a rollout (a misnamed metric, a template that does not render, a canary
that can never promote...).`

const validateLong = `Rehearse every Canary in your manifests under the built-in policies (bad,
slow and good release, failing pre-rollout hook); reports in --out (default out/).`

const sweepLong = `Replay scenarios over a grid of Canary settings and many seeds: detection
and false-rollback rates with confidence intervals, time to decision, blast
radius; sweep.html, sweep.csv, sweep.json in --out.`

const mergeLong = `Merge the sweep.json of every shard of a sharded sweep (--shard i/n) into
one report.`

const chaosLong = `Replay scenarios under injected faults (Prometheus, webhooks, the
Kubernetes API, workloads, a controller restart) and report which faults
changed the outcome, and why.`

const backtestLong = `Replay your Canary's analysis over metrics recorded during a real release
(a TSDB snapshot, an OpenMetrics file, a live Prometheus): would it have
rolled back, when, and with how much traffic on the release?
backtest.{md,html,json} with charts in --out/<name>/ (default out/backtest).

  rehearse backtest --recording TSDB|FILE|URL --canary SEL [--primary SEL] MANIFESTS...
  rehearse backtest [--expect ...] SCENARIO...`

const controllerLong = `Run the engine as a progressive-delivery controller against a real cluster,
until SIGINT stops it.`
