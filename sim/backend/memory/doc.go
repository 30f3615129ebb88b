// Package memory is the embedded memory cluster: a Kubernetes API held in
// memory (a small store of typed objects behind controller-runtime's client
// interface, with status subresources) and a stand-in for the Deployment
// controller that makes each Deployment ready, or not, as the scenario says
// its image behaves. The engine's Kubernetes applier talks to it exactly as
// it talks to envtest or a real cluster.
package memory
