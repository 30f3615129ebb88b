// Package envtest starts a real Kubernetes control plane (kube-apiserver and
// etcd, no nodes or controllers) with the project's Flagger CRDs installed,
// once for a whole run, on top of controller-runtime's envtest.
//
// The binaries are not downloaded: `make envtest-bins` compiles them from
// the hack/tools module into .cache/envtest/bin and points KUBEBUILDER_ASSETS
// there. When they are missing, Start fails at once with an error that wraps
// ErrNoBinaries and names the folder it looked in and the command to run, so
// test suites can skip instead of failing on machines that never built them.
package envtest
