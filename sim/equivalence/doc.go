// Package equivalence holds the envtest and kind tiers: a Ginkgo suite that
// replays the scenario library on a real kube-apiserver and etcd (envtest)
// and, with REHEARSE_KIND=1, on a kind cluster, and proves each scenario's
// decision trace equals the embedded memory cluster's.
package equivalence
