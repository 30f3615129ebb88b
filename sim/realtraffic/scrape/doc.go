// Package scrape is the harness's Prometheus scrape loop: it reads each
// workload's /metrics in the text exposition format, turns the families into
// samples the way a Prometheus server does (a histogram becomes its _bucket,
// _sum and _count series; every series gets job and instance labels), and
// appends them stamped with the virtual time of the scrape.
//
// It parses with github.com/prometheus/common/expfmt rather than running
// Prometheus's own scrape package: scrape.Manager comes with service
// discovery, a configuration model, relabelling and a storage pipeline that
// stamps samples with the wall clock. A rehearsal knows its two targets and
// must choose the timestamps (virtual time), so the format's parser is all
// it needs from Prometheus.
package scrape
