// This file is Parse: each document of a file decoded into its Go type by apiVersion and kind (or
// kept unstructured), validated, defaulted and added to a Set.

package manifest

import (
	"fmt"
	"path/filepath"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	kedav1alpha1 "github.com/rehearse-dev/rehearse/engine/api/keda/v1alpha1"
	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/gitops"
)

// DefaultNamespace is the namespace of an object that names none, as kubectl would apply it.
const DefaultNamespace = "default"

// Parse reads one file's content: any number of documents.
func Parse(file string, data []byte) (*Set, error) {
	return ParseAt(file, data, 0)
}

// ParseAt is Parse for manifests embedded in another file (a scenario's
// inline block): lineOffset is added to every line reported.
func ParseAt(file string, data []byte, lineOffset int) (*Set, error) {
	return parse(file, data, lineOffset, false)
}

// parse reads every document; with lenient, documents that are not
// Kubernetes objects are noted and left out instead of refused.
func parse(file string, data []byte, lineOffset int, lenient bool) (*Set, error) {
	set := &Set{}
	var errs Errors
	for _, doc := range SplitDocuments(data) {
		if lenient {
			if why := notAnObject(file, doc.Data, doc.LineOffset+lineOffset); why != nil {
				set.Notes = append(set.Notes, *why)
				continue
			}
		}
		errs = append(errs, set.parseDocument(file, doc.Data, doc.LineOffset+lineOffset)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return set, nil
}

func (s *Set) parseDocument(file string, data []byte, offset int) Errors {
	var errs Errors
	d, err := ParseDoc(file, data, offset)
	if err != nil || d.Empty() {
		errs.Add(err)
		return errs
	}
	o, errs := decodeObject(d)
	if o == nil {
		return errs
	}
	if gvk, until, ok := retired(d); ok {
		s.Notes = append(s.Notes, retiredNote(d, gvk, until))
	}
	errs = append(errs, finish(d, o)...)
	origin := Object{Kind: o.GetObjectKind().GroupVersionKind().Kind, Name: o.GetName(), Namespace: o.GetNamespace(), File: file, Line: d.Line()}
	if err := s.add(o, origin, d); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// finish checks the name, fills the namespace, validates and then writes
// Flagger's defaults (validation first, so a default never hides a mistake).
func finish(d *Doc, o object) Errors {
	var errs Errors
	if o.GetName() == "" {
		errs = append(errs, d.Errorf("metadata.name", "the object has no name: add metadata.name"))
	}
	if o.GetNamespace() == "" && isNamespaced(o.GetObjectKind().GroupVersionKind().Kind) {
		o.SetNamespace(DefaultNamespace)
	}
	errs = append(errs, validateObject(d, o)...)
	applyDefaults(o)
	return errs
}

// decodeObject picks the Go type from apiVersion and kind and decodes strictly;
// kinds rehearse does not act on are kept as unstructured objects.
func decodeObject(d *Doc) (object, Errors) {
	if d.root.Kind != yaml.MappingNode {
		return nil, Errors{d.Errorf("", "a manifest must be a mapping with apiVersion, kind and metadata")}
	}
	gv, kind, errs := typeMeta(d)
	if errs != nil {
		return nil, errs
	}
	if convert, ok := convertedKinds[gv.WithKind(kind)]; ok {
		return convert(d)
	}
	if r, ok := retiredKinds[gv.WithKind(kind)]; ok {
		return r.convert(d)
	}
	build, err := lookupKind(d, gv, kind)
	if err != nil {
		return nil, Errors{err}
	}
	if build == nil {
		return decodeUnstructured(d)
	}
	o := build()
	decodeErrs, complete := d.decode(o)
	if !complete {
		return nil, decodeErrs // a half-decoded object would only add misleading errors
	}
	return o, decodeErrs
}

func decodeUnstructured(d *Doc) (object, Errors) {
	errs := d.duplicateKeys()
	js, err := d.JSON()
	if err != nil {
		errs.Add(err)
		return nil, errs
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(js); err != nil {
		e := d.wholeError(err)
		e.Msg = "cannot read the object: " + err.Error()
		return nil, append(errs, e)
	}
	return u, errs
}

// typeMeta reads apiVersion and kind, which decide everything else.
func typeMeta(d *Doc) (schema.GroupVersion, string, Errors) {
	var errs Errors
	apiVersion, kind := scalarAt(d, "apiVersion"), scalarAt(d, "kind")
	if apiVersion == "" {
		errs = append(errs, d.Errorf("apiVersion", "missing: add the object's API version (apiVersion: flagger.app/v1beta1 for a Canary)"))
	}
	if kind == "" {
		errs = append(errs, d.Errorf("kind", "missing: add the object's kind (Canary, MetricTemplate, Deployment...)"))
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil && apiVersion != "" {
		errs = append(errs, d.Errorf("apiVersion", "%q is not an API version: write group/version (apps/v1) or v1", apiVersion))
	}
	return gv, kind, errs
}

func scalarAt(d *Doc, key string) string {
	r := d.resolve(key)
	if !r.complete || r.value.Kind != yaml.ScalarNode {
		return ""
	}
	return r.value.Value
}

// kindEntry is a kind decoded into a Go type: the one version served, and a constructor.
type kindEntry struct {
	version string
	build   func() object
}

var typedKinds = map[schema.GroupKind]kindEntry{
	{Group: v1beta1.GroupVersion.Group, Kind: "Canary"}:            {"v1beta1", func() object { return &v1beta1.Canary{} }},
	{Group: v1beta1.GroupVersion.Group, Kind: "MetricTemplate"}:    {"v1beta1", func() object { return &v1beta1.MetricTemplate{} }},
	{Group: v1beta1.GroupVersion.Group, Kind: "AlertProvider"}:     {"v1beta1", func() object { return &v1beta1.AlertProvider{} }},
	{Group: "apps", Kind: "Deployment"}:                            {"v1", func() object { return &appsv1.Deployment{} }},
	{Group: "apps", Kind: "DaemonSet"}:                             {"v1", func() object { return &appsv1.DaemonSet{} }},
	{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}:        {"v2", func() object { return &autoscalingv2.HorizontalPodAutoscaler{} }},
	{Group: kedav1alpha1.GroupVersion.Group, Kind: "ScaledObject"}: {"v1alpha1", func() object { return &kedav1alpha1.ScaledObject{} }},
	{Group: knativev1.GroupVersion.Group, Kind: "Service"}:         {"v1", func() object { return &knativev1.Service{} }},
	{Group: "", Kind: "Service"}:                                   {"v1", func() object { return &corev1.Service{} }},
	{Group: "", Kind: "ConfigMap"}:                                 {"v1", func() object { return &corev1.ConfigMap{} }},
	{Group: "", Kind: "Secret"}:                                    {"v1", func() object { return &corev1.Secret{} }},
}

// removedKinds are group/kind pairs Kubernetes stopped serving, with the replacement.
var removedKinds = map[schema.GroupKind]string{
	{Group: "extensions", Kind: "Deployment"}: "apps/v1",
	{Group: "extensions", Kind: "DaemonSet"}:  "apps/v1",
}

// lookupKind returns the constructor for a typed kind, nil for a kind kept
// unstructured, or an error for an API version that cannot be served.
func lookupKind(d *Doc, gv schema.GroupVersion, kind string) (func() object, *Error) {
	if kind == "List" {
		return nil, d.Errorf("kind", "a List is not read item by item: write each item as its own document, separated by ---")
	}
	gk := schema.GroupKind{Group: gv.Group, Kind: kind}
	if e, ok := typedKinds[gk]; ok {
		if gv.Version != e.version {
			return nil, versionError(d, gv, kind, e.version)
		}
		return e.build, nil
	}
	if want, ok := removedKinds[gk]; ok {
		return nil, d.Errorf("apiVersion", "%s %s is no longer served by Kubernetes: change apiVersion to %s", gv, kind, want)
	}
	if gv.Group == v1beta1.GroupVersion.Group {
		return nil, d.Errorf("kind", "flagger.app has no kind %q: use Canary, MetricTemplate or AlertProvider%s", kind, didYouMean(kind, flaggerKinds))
	}
	return nil, nil
}

var flaggerKinds = []string{"Canary", "MetricTemplate", "AlertProvider"}

func versionError(d *Doc, gv schema.GroupVersion, kind, want string) *Error {
	wanted := schema.GroupVersion{Group: gv.Group, Version: want}.String()
	if gv.Group == v1beta1.GroupVersion.Group {
		return d.Errorf("apiVersion", "%s is not served by Flagger 1.x: upgrade the %s to apiVersion: %s (its fields are the same; canaryAnalysis is now analysis)", gv, kind, wanted)
	}
	return d.Errorf("apiVersion", "%s %s is not served: change apiVersion to %s", gv, kind, wanted)
}

// clusterScoped lists common kinds that have no namespace, so that no
// namespace is invented for them.
var clusterScoped = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true, "CustomResourceDefinition": true,
	"PersistentVolume": true, "StorageClass": true, "PriorityClass": true, "IngressClass": true,
	"GatewayClass": true, "MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true,
	"APIService": true, "Node": true,
}

func isNamespaced(kind string) bool { return !clusterScoped[kind] }

// toolGroups are API groups of tools' own configuration files, which sit in
// GitOps repositories beside the manifests but are never applied to a
// cluster (a kind cluster config, a kustomize Component is rendered instead).
var toolGroups = []string{"kind.x-k8s.io", "ctlptl.dev", "k3d.io", "skaffold", "kuttl.dev", "config.kubernetes.io"}

// notAnObject says why a document a folder walk found is not a Kubernetes
// object rehearse should read: it has neither apiVersion nor kind (a
// helmfile, a workflow, values), or it is a tool's configuration. nil means
// it is read as a manifest, and refused there if it is a broken one.
func notAnObject(file string, data []byte, offset int) *gitops.Note {
	d, err := ParseDoc(file, data, offset)
	if err != nil || d.Empty() || d.root.Kind != yaml.MappingNode {
		return nil
	}
	apiVersion, kind := scalarAt(d, "apiVersion"), scalarAt(d, "kind")
	note := func(what string) *gitops.Note {
		return &gitops.Note{Subject: filepath.Base(file), File: file, Line: d.Line(),
			Text: what + ": not a Kubernetes object, so rehearse leaves it out (name the file itself to have it read strictly)"}
	}
	if apiVersion == "" && kind == "" {
		return note("a YAML document with no apiVersion and no kind")
	}
	group, _, _ := strings.Cut(apiVersion, "/")
	for _, g := range toolGroups {
		if group == g || strings.HasPrefix(apiVersion, g) {
			return note(fmt.Sprintf("%s %s, a tool's configuration", apiVersion, kind))
		}
	}
	return nil
}

// retired says whether d is written in a version Kubernetes retired, and
// the release that stopped serving it.
func retired(d *Doc) (schema.GroupVersionKind, string, bool) {
	gv, err := schema.ParseGroupVersion(scalarAt(d, "apiVersion"))
	if err != nil {
		return schema.GroupVersionKind{}, "", false
	}
	gvk := gv.WithKind(scalarAt(d, "kind"))
	r, ok := retiredKinds[gvk]
	return gvk, r.served, ok
}
