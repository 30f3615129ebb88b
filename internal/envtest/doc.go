// Package envtest starts a real Kubernetes control plane (kube-apiserver and
// etcd, no nodes or controllers) with the project's Flagger CRDs installed,
// once for a whole run, on top of controller-runtime's envtest.
//
// The binaries are not downloaded: `make envtest-bins` compiles them from
// the hack/tools module into .cache/envtest/bin and points KUBEBUILDER_ASSETS
// there. When they are missing, Start fails at once with an error that wraps
// ErrNoBinaries and names the folder it looked in and the command to run, so
// test suites can skip instead of failing on machines that never built them.
//
// Nothing outlives a run. Each run keeps etcd's data, the certificates and
// the kubeconfig in one folder, $TMPDIR/rehearse-envtest-*, with a record of
// its owner and of the processes it started (pid and start time). On Linux
// etcd and kube-apiserver are started through a shim, this same executable
// under the folder's bin/ name, which asks the kernel to SIGKILL them when
// the run dies, even by SIGKILL. Start reaps the folders of runs that no
// longer run, and any recorded process still running from them, but never a
// process whose start time or command does not match its record.
package envtest
