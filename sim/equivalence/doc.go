// Package equivalence holds the envtest tier: a Ginkgo suite that replays the
// scenario library on a real kube-apiserver and etcd and proves each
// scenario's decision trace equals the embedded memory cluster's.
package equivalence
