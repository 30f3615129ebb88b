// Package kind runs rehearsals on a kind cluster (Kubernetes in Docker):
// a real control plane with real nodes, for the checks envtest cannot make.
//
// kind needs a running Docker engine. Start checks for one before calling
// kind, with the docker client and fixed arguments, and fails at once with
// an error wrapping ErrNoDocker when there is none, so callers and test
// suites can fall back to the memory or envtest clusters.
package kind
