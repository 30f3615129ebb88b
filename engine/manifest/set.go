// This file is the Set, every object read by kind with where it was written: adding and merging
// objects, builds and variants, and finding a Canary or MetricTemplate by name.

package manifest

import (
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	kedav1alpha1 "github.com/rehearse-dev/rehearse/engine/api/keda/v1alpha1"
	knativev1 "github.com/rehearse-dev/rehearse/engine/api/knative/v1"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/gitops"
)

// Object says where one object of a Set was written. For an object
// rendered by kustomize, File and Line are those of the resource it
// started as, and Build names the folder that rendered it.
type Object struct {
	Kind, Name, Namespace string
	File                  string
	Line                  int
	Build                 string // e.g. "apps/overlays/prod"; empty for a plain file
}

// Set is every object read from a user's manifests, by kind.
type Set struct {
	Canaries        []*v1beta1.Canary
	MetricTemplates []*v1beta1.MetricTemplate
	AlertProviders  []*v1beta1.AlertProvider
	Deployments     []*appsv1.Deployment
	DaemonSets      []*appsv1.DaemonSet
	Services        []*corev1.Service
	ConfigMaps      []*corev1.ConfigMap
	Secrets         []*corev1.Secret
	HPAs            []*autoscalingv2.HorizontalPodAutoscaler
	ScaledObjects   []*kedav1alpha1.ScaledObject // KEDA's
	KnativeServices []*knativev1.Service
	Others          []*unstructured.Unstructured // kinds rehearse does not act on, kept as written
	Origins         map[string]Object            // key "Kind/namespace/name"

	// Variants are set when the manifests render several builds holding
	// the same objects (overlays of one app for several environments):
	// each variant is one such build with everything else, named after the
	// build, and the Set itself holds only the objects they share. See Builds.
	Variants []*Set
	// Name is a variant's name: the build it holds, e.g. "apps/overlays/prod".
	Name string
	// Notes say what was read but not rendered (HelmReleases, Flux
	// Kustomizations pointing outside the repository, substitutions from
	// the cluster), for the report.
	Notes []gitops.Note
	// Rendered counts the kustomize builds whose objects the Set holds.
	Rendered int

	docs map[string]*Doc // the document each object came from, for later checks' lines
}

// object is what every kind in a Set has in common.
type object interface {
	metav1.Object
	runtime.Object
}

// Key is the Origins key of an object: "Kind/namespace/name".
func Key(kind, namespace, name string) string {
	return kind + "/" + namespace + "/" + name
}

// KnativeService is the kind part of a Knative Service's Origins key: a
// Knative Service and a Kubernetes Service may share a name.
const KnativeService = "Service." + "serving.knative.dev"

func keyOf(o object) string {
	gvk := o.GetObjectKind().GroupVersionKind()
	kind := gvk.Kind
	if gvk.Group == knativev1.GroupVersion.Group {
		kind += "." + gvk.Group
	}
	return Key(kind, o.GetNamespace(), o.GetName())
}

// add records o, refusing a second object with the same kind, namespace and name.
func (s *Set) add(o object, origin Object, d *Doc) *Error {
	k := keyOf(o)
	if first, ok := s.Origins[k]; ok {
		return &Error{File: origin.File, Line: origin.Line, Field: k,
			Msg: fmt.Sprintf("defined twice (first at %s:%d): keep one", first.File, first.Line)}
	}
	if s.Origins == nil {
		s.Origins = map[string]Object{}
	}
	if s.docs == nil {
		s.docs = map[string]*Doc{}
	}
	s.Origins[k], s.docs[k] = origin, d
	s.append(o)
	return nil
}

func (s *Set) append(o object) {
	switch o := o.(type) {
	case *v1beta1.Canary:
		s.Canaries = append(s.Canaries, o)
	case *v1beta1.MetricTemplate:
		s.MetricTemplates = append(s.MetricTemplates, o)
	case *v1beta1.AlertProvider:
		s.AlertProviders = append(s.AlertProviders, o)
	case *appsv1.Deployment:
		s.Deployments = append(s.Deployments, o)
	case *appsv1.DaemonSet:
		s.DaemonSets = append(s.DaemonSets, o)
	case *autoscalingv2.HorizontalPodAutoscaler:
		s.HPAs = append(s.HPAs, o)
	case *kedav1alpha1.ScaledObject:
		s.ScaledObjects = append(s.ScaledObjects, o)
	case *knativev1.Service:
		s.KnativeServices = append(s.KnativeServices, o)
	case *corev1.Service:
		s.Services = append(s.Services, o)
	case *corev1.ConfigMap:
		s.ConfigMaps = append(s.ConfigMaps, o)
	case *corev1.Secret:
		s.Secrets = append(s.Secrets, o)
	case *unstructured.Unstructured:
		s.Others = append(s.Others, o)
	}
}

// objects lists every object, kinds in the Set's field order.
func (s *Set) objects() []object {
	var out []object
	out = appendAll(out, s.Canaries)
	out = appendAll(out, s.MetricTemplates)
	out = appendAll(out, s.AlertProviders)
	out = appendAll(out, s.Deployments)
	out = appendAll(out, s.DaemonSets)
	out = appendAll(out, s.Services)
	out = appendAll(out, s.ConfigMaps)
	out = appendAll(out, s.Secrets)
	out = appendAll(out, s.HPAs)
	out = appendAll(out, s.ScaledObjects)
	out = appendAll(out, s.KnativeServices)
	return appendAll(out, s.Others)
}

func appendAll[T object](out []object, list []T) []object {
	for _, o := range list {
		out = append(out, o)
	}
	return out
}

// Builds are the sets to rehearse one at a time, each Canary in exactly
// one: the Set itself when it has no variants; else the shared objects
// (when they hold Canaries), then each variant with only its own Canaries.
func (s *Set) Builds() []*Set {
	if len(s.Variants) == 0 {
		return []*Set{s}
	}
	var out []*Set
	if len(s.Canaries) > 0 {
		out = append(out, s)
	}
	for _, v := range s.Variants {
		own := *v
		own.Canaries = nil
		for _, cd := range v.Canaries {
			if v.Origins[Key("Canary", cd.Namespace, cd.Name)].Build == v.Name {
				own.Canaries = append(own.Canaries, cd)
			}
		}
		out = append(out, &own)
	}
	return out
}

// Place is where the field of the object with key ("Kind/namespace/name")
// was written, as file and line; ok is false for an object not in the Set.
func (s *Set) Place(key, field string) (file string, line int, ok bool) {
	d := s.docs[key]
	if d == nil {
		return "", 0, false
	}
	file, line, _ = d.place(field, false)
	return file, line, true
}

// Merge adds every object of o to s. An object already in s is an error
// naming both places; the other objects are still added. o's variants and
// notes are carried over.
func (s *Set) Merge(o *Set) error {
	s.Variants = append(s.Variants, o.Variants...)
	s.Notes = append(s.Notes, o.Notes...)
	s.Rendered += o.Rendered
	var errs Errors
	for _, obj := range o.objects() {
		k := keyOf(obj)
		if err := s.add(obj, o.Origins[k], o.docs[k]); err != nil {
			errs = append(errs, err)
		}
	}
	return errs.Err()
}

// Canary finds a Canary by "name" or "namespace/name"; "" means the only one.
func (s *Set) Canary(ref string) (*v1beta1.Canary, error) {
	if ref == "" {
		return s.onlyCanary()
	}
	ns, name, qualified := strings.Cut(ref, "/")
	if !qualified {
		ns, name = "", ref
	}
	var found []*v1beta1.Canary
	for _, c := range s.Canaries {
		if c.Name == name && (ns == "" || c.Namespace == ns) {
			found = append(found, c)
		}
	}
	return s.pickCanary(ref, found)
}

func (s *Set) onlyCanary() (*v1beta1.Canary, error) {
	if err := s.oneBuild(); err != nil {
		return nil, err
	}
	switch len(s.Canaries) {
	case 0:
		return nil, fmt.Errorf("the manifests hold no Canary: add one (kind: Canary, apiVersion: flagger.app/v1beta1)")
	case 1:
		return s.Canaries[0], nil
	default:
		return nil, fmt.Errorf("the manifests hold %d Canaries (%s): say which one", len(s.Canaries), strings.Join(s.canaryRefs(), ", "))
	}
}

func (s *Set) pickCanary(ref string, found []*v1beta1.Canary) (*v1beta1.Canary, error) {
	if err := s.oneBuild(); err != nil {
		return nil, err
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("no Canary %q in the manifests: fix the name or add the Canary%s", ref, didYouMean(ref, s.canaryRefs()))
	default:
		return nil, fmt.Errorf("Canary %q is ambiguous (%s): write namespace/name", ref, strings.Join(refsOf(found), ", "))
	}
}

func (s *Set) canaryRefs() []string { return refsOf(s.Canaries) }

// oneBuild refuses to pick a Canary among several builds of the same
// objects: a rehearsal needs the objects of one environment.
func (s *Set) oneBuild() error {
	if len(s.Variants) == 0 {
		return nil
	}
	names := make([]string, len(s.Variants))
	for i, v := range s.Variants {
		names[i] = v.Name
	}
	return fmt.Errorf("the manifests render %d builds of the same objects (%s): give the folder of one of them", len(names), strings.Join(names, ", "))
}

func refsOf[T metav1.Object](list []T) []string {
	refs := make([]string, len(list))
	for i, o := range list {
		refs[i] = o.GetNamespace() + "/" + o.GetName()
	}
	sort.Strings(refs)
	return refs
}

// didYouMean suggests the closest candidate (compared on the name part).
func didYouMean(ref string, candidates []string) string {
	if best := Closest(ref, candidates); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	names := make([]string, len(candidates))
	for i, c := range candidates {
		_, names[i], _ = strings.Cut(c, "/")
	}
	if best := Closest(ref, names); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}

// MetricTemplate finds a MetricTemplate; an empty namespace matches any.
func (s *Set) MetricTemplate(namespace, name string) (*v1beta1.MetricTemplate, error) {
	for _, t := range s.MetricTemplates {
		if t.Name == name && (namespace == "" || t.Namespace == namespace) {
			return t, nil
		}
	}
	ref := namespace + "/" + name
	return nil, fmt.Errorf("MetricTemplate %s is not in the manifests: add it or fix the name%s", ref, didYouMean(ref, refsOf(s.MetricTemplates)))
}
