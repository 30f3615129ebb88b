// Package kube applies the engine's decisions to a Kubernetes API through a
// controller-runtime client: the primary Deployment and the services Flagger
// creates, scaling, promotion, the Canary's status and its events. The same
// code serves the embedded memory cluster (a fake client), envtest, kind and
// a real cluster.
package kube
