// Package gitops renders the folders of a GitOps repository the way the
// tools that apply them do: a folder holding a kustomization.yaml is built
// with sigs.k8s.io/kustomize/api (the library behind `kustomize build` and
// Flux's kustomize-controller), and a Flux Kustomization's spec.path is built
// with the fields Flux adds to it (targetNamespace, namePrefix, nameSuffix,
// patches, images, components) and its postBuild substitutions.
//
// Rendering stays on this machine and inside the repository: the files are
// read through a file system that refuses anything outside the repository
// root and every write, remote bases and Helm charts are refused before
// kustomize runs (kustomize would otherwise clone, fetch or exec), and only
// kustomize's builtin plugins are enabled.
//
// Each rendered object comes with the places it was written: the document
// of the resource it started as, and the patches and kustomization fields
// that may have changed it, in the order kustomize applies them. Kustomize's
// origin annotations (buildMetadata: [originAnnotations], added to the
// build's own kustomization in memory) say which file each object came from;
// the annotation is then removed, so the objects are what the cluster would
// get. Placing a field on a line is left to the caller, which knows YAML
// paths (engine/manifest).
package gitops
