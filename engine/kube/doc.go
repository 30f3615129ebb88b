// Package kube applies the engine's decisions to a Kubernetes API through a
// controller-runtime client, as Flagger's canary controllers do: one
// rollout per target kind (Deployments and DaemonSets with a -primary copy,
// Knative Services through their revisions and traffic targets), the
// services Flagger creates, tracked ConfigMaps and Secrets with their
// -primary copies, the -primary copy of an autoscaler, scaling, promotion,
// the Canary's status and its events. The same code serves the embedded
// memory cluster, envtest, kind and a real cluster.
package kube
