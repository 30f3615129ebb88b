// Package manifest reads the Kubernetes and Flagger manifests users keep in
// Git: multi-document YAML files holding Canaries, MetricTemplates,
// AlertProviders, Deployments, Services and whatever else sits next to them.
//
// Decoding is strict. An unknown field, a value of the wrong type, a repeated
// key or an API version Flagger no longer serves is an error that names the
// file, the line and what to change, because a typo that Kubernetes would
// silently drop ("treshold") is exactly the mistake a rehearsal must catch
// before a real rollout does.
//
// Parse applies Flagger's defaults explicitly (analysis interval, threshold,
// metric interval, webhook timeout, progress deadline), so everything
// downstream reads one value whether or not the user wrote it, and validates
// each object on its own. Set.Validate adds the checks that need the whole
// set, such as a templateRef naming a MetricTemplate that is not there.
//
// ParseDoc and Doc are exported for other loaders (the scenario loader)
// that want the same strictness and the same file:line errors.
package manifest
