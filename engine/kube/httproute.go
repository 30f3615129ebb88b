// This file is the gatewayapi router, and RouterFor, which picks each provider's router: one
// HTTPRoute holding Flagger's weighted rule and A/B split, read only once its Gateway accepts it.

package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/runner"
)

// RouterFor returns the router a provider has on a real API server: the
// no-op router for kubernetes, an HTTPRoute router for gatewayapi (also written gatewayapi:v1
// or gatewayapi:v1beta1, served here through the v1 API), the Knative
// Service's traffic targets for knative. It returns false for every mesh or
// ingress rehearse cannot drive on a real cluster.
func RouterFor(provider string, c client.Client) (runner.Router, bool) {
	switch {
	case provider == v1beta1.KubernetesProvider:
		return NopRouter{}, true
	case provider == v1beta1.KnativeProvider:
		return KnativeRouter{Client: c}, true
	case provider == v1beta1.GatewayAPIProvider || strings.HasPrefix(provider, v1beta1.GatewayAPIProvider+":"):
		return HTTPRouteRouter{Client: c}, true
	}
	return nil, false
}

// HTTPRouteRouter is the gatewayapi provider's router, as Flagger's: one
// HTTPRoute named after the apex service, whose weighted rule splits the
// traffic between the primary and canary services.
type HTTPRouteRouter struct {
	Client client.Client
}

// Annotations Flagger puts on the objects it manages, so that Flux does not
// revert the weights it sets.
var managedAnnotations = map[string]string{
	"kustomize.toolkit.fluxcd.io/reconcile": "disabled",
	"helm.toolkit.fluxcd.io/driftDetection": "disabled",
}

// Routes reads the weights back from the HTTPRoute: all on the primary while
// the route does not exist. Like Flagger, it refuses to read a route that a
// parent Gateway has not accepted in its current generation, since its
// weights are not yet the ones serving traffic.
func (r HTTPRouteRouter) Routes(ctx context.Context, cd *v1beta1.Canary) (engine.Routes, error) {
	hr, err := r.get(ctx, cd)
	if apierrors.IsNotFound(err) {
		return engine.Routes{Primary: v1beta1.TotalWeight}, nil
	}
	if err != nil {
		return engine.Routes{}, err
	}
	if err := parentsAccepted(hr); err != nil {
		return engine.Routes{}, err
	}
	return weightsOf(hr, cd), nil
}

// SetRoutes creates the HTTPRoute with the given weights, or rewrites the
// spec of the existing one.
func (r HTTPRouteRouter) SetRoutes(ctx context.Context, cd *v1beta1.Canary, routes engine.Routes) error {
	spec, err := httpRouteSpec(cd, routes)
	if err != nil {
		return err
	}
	hr, err := r.get(ctx, cd)
	switch {
	case apierrors.IsNotFound(err):
		return r.create(ctx, cd, spec)
	case err != nil:
		return err
	}
	return r.update(ctx, cd, hr, spec)
}

// Reconcile creates the HTTPRoute with all traffic on the primary when it is
// missing, and otherwise brings its hosts, parents and matches in line with
// the Canary while keeping the weights it holds. Flagger does this on every
// tick before the analysis, so the route exists from initialization on; the
// runner's Router interface has no such step, so the controller calls it.
func (r HTTPRouteRouter) Reconcile(ctx context.Context, cd *v1beta1.Canary) error {
	hr, err := r.get(ctx, cd)
	if apierrors.IsNotFound(err) {
		return r.SetRoutes(ctx, cd, engine.Routes{Primary: v1beta1.TotalWeight})
	}
	if err != nil {
		return err
	}
	spec, err := httpRouteSpec(cd, weightsOf(hr, cd))
	if err != nil {
		return err
	}
	return r.update(ctx, cd, hr, spec)
}

// get reads the apex HTTPRoute for a reader that neither changes nor
// keeps it (see Read): the routes are read two or three times a tick, and
// update copies the route before it changes it.
func (r HTTPRouteRouter) get(ctx context.Context, cd *v1beta1.Canary) (*gatewayv1.HTTPRoute, error) {
	apex, _, _ := cd.GetServiceNames()
	hr, err := Read[*gatewayv1.HTTPRoute](ctx, r.Client, client.ObjectKey{Namespace: cd.Namespace, Name: apex})
	if err != nil {
		return nil, fmt.Errorf("reading HTTPRoute %s/%s: %w", cd.Namespace, apex, err)
	}
	return hr, nil
}

func (r HTTPRouteRouter) create(ctx context.Context, cd *v1beta1.Canary, spec gatewayv1.HTTPRouteSpec) error {
	apex, _, _ := cd.GetServiceNames()
	labels, annotations := apexMetadata(cd, nil)
	hr := &gatewayv1.HTTPRoute{
		// The route goes when the Canary goes, as Flagger's does.
		ObjectMeta: metav1.ObjectMeta{Name: apex, Namespace: cd.Namespace, Labels: labels, Annotations: annotations, OwnerReferences: ownedBy(cd)},
		Spec:       spec,
	}
	if err := r.Client.Create(ctx, hr); err != nil {
		return fmt.Errorf("creating HTTPRoute %s/%s: %w", cd.Namespace, apex, err)
	}
	return nil
}

// update writes spec and the apex metadata when they differ from hr's,
// keeping annotations other controllers added.
func (r HTTPRouteRouter) update(ctx context.Context, cd *v1beta1.Canary, hr *gatewayv1.HTTPRoute, spec gatewayv1.HTTPRouteSpec) error {
	labels, annotations := apexMetadata(cd, hr.Annotations)
	if equality.Semantic.DeepEqual(hr.Spec, spec) && equalMaps(hr.Labels, labels) && equalMaps(hr.Annotations, annotations) {
		return nil
	}
	hr = hr.DeepCopy()
	hr.Spec, hr.Labels, hr.Annotations = spec, labels, annotations
	if err := r.Client.Update(ctx, hr); err != nil {
		return fmt.Errorf("updating HTTPRoute %s/%s: %w", hr.Namespace, hr.Name, err)
	}
	return nil
}

func equalMaps(a, b map[string]string) bool {
	return len(a) == len(b) && maps.Equal(a, b)
}

// apexMetadata is the Canary's apex labels and annotations, plus the
// managed annotations, plus any annotation already on the route.
func apexMetadata(cd *v1beta1.Canary, existing map[string]string) (labels, annotations map[string]string) {
	labels, annotations = map[string]string{}, maps.Clone(managedAnnotations)
	if m := cd.Spec.Service.Apex; m != nil {
		maps.Copy(labels, m.Labels)
		maps.Copy(annotations, m.Annotations)
	}
	for k, v := range existing {
		if _, ok := annotations[k]; !ok {
			annotations[k] = v
		}
	}
	return labels, annotations
}

// parentsAccepted fails when a parent reports the route not accepted, or
// accepted in an older generation.
func parentsAccepted(hr *gatewayv1.HTTPRoute) error {
	for _, ref := range hr.Spec.ParentRefs {
		for _, st := range hr.Status.Parents {
			if !equality.Semantic.DeepEqual(st.ParentRef, ref) {
				continue
			}
			c := findCondition(st.Conditions, string(gatewayv1.RouteConditionAccepted))
			if c != nil && (c.Status != metav1.ConditionTrue || c.ObservedGeneration < hr.Generation) {
				return fmt.Errorf("HTTPRoute %s/%s is not ready on parent %s (Accepted %s, observed generation %d of %d): "+
					"check the Gateway's controller", hr.Namespace, hr.Name, ref.Name, c.Status, c.ObservedGeneration, hr.Generation)
			}
		}
	}
	return nil
}

func findCondition(cs []metav1.Condition, t string) *metav1.Condition {
	for i := range cs {
		if cs[i].Type == t {
			return &cs[i]
		}
	}
	return nil
}

// weightsOf reads the weights from the rule with two backends (the A/B
// rule sending non-matching traffic to the primary has one), and whether
// any rule mirrors to the canary service.
func weightsOf(hr *gatewayv1.HTTPRoute, cd *v1beta1.Canary) engine.Routes {
	_, primary, canary := cd.GetServiceNames()
	var out engine.Routes
	for _, rule := range hr.Spec.Rules {
		if len(rule.BackendRefs) == 2 {
			for _, b := range rule.BackendRefs {
				switch string(b.Name) {
				case primary:
					out.Primary = weight(b.Weight)
				case canary:
					out.Canary = weight(b.Weight)
				}
			}
		}
		out.Mirrored = out.Mirrored || mirrorsTo(rule.Filters, canary)
	}
	return out
}

// weight reads a backend's weight; Gateway API's default is 1.
func weight(w *int32) int {
	if w == nil {
		return 1
	}
	return int(*w)
}

func mirrorsTo(filters []gatewayv1.HTTPRouteFilter, service string) bool {
	for _, f := range filters {
		if f.Type == gatewayv1.HTTPRouteFilterRequestMirror && f.RequestMirror != nil && string(f.RequestMirror.BackendRef.Name) == service {
			return true
		}
	}
	return false
}

// httpRouteSpec builds the route Flagger would hold for these weights: one
// weighted rule over the service's matches (default: every path); with A/B
// matches, the weighted rule takes the analysis headers and query
// parameters, and a second rule sends everything else to the primary.
func httpRouteSpec(cd *v1beta1.Canary, routes engine.Routes) (gatewayv1.HTTPRouteSpec, error) {
	parents, err := parentRefs(cd)
	if err != nil {
		return gatewayv1.HTTPRouteSpec{}, err
	}
	matches, err := routeMatches(cd.Spec.Service.Match)
	if err != nil {
		return gatewayv1.HTTPRouteSpec{}, fmt.Errorf("canary %s/%s spec.service.match: %w", cd.Namespace, cd.Name, err)
	}
	if len(matches) == 0 {
		matches = []gatewayv1.HTTPRouteMatch{everyPath()}
	}
	base, err := baseRule(cd, matches)
	if err != nil {
		return gatewayv1.HTTPRouteSpec{}, err
	}
	spec := gatewayv1.HTTPRouteSpec{
		CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: parents},
		Hostnames:       hostnames(cd.Spec.Service.Hosts),
		Rules:           []gatewayv1.HTTPRouteRule{weightedRule(cd, base, routes)},
	}
	return withABRule(cd, spec, base)
}

// withABRule adds the A/B split when the analysis has match conditions.
func withABRule(cd *v1beta1.Canary, spec gatewayv1.HTTPRouteSpec, base gatewayv1.HTTPRouteRule) (gatewayv1.HTTPRouteSpec, error) {
	a := cd.GetAnalysis()
	if a == nil || len(a.Match) == 0 {
		return spec, nil
	}
	ab, err := routeMatches(a.Match)
	if err != nil {
		// Flagger ignores this error and routes every request by the
		// weights, which at 100 sends all traffic to the canary.
		return spec, fmt.Errorf("canary %s/%s spec.analysis.match: %w", cd.Namespace, cd.Name, err)
	}
	spec.Rules[0].Matches = mergeMatches(ab, base.Matches)
	rest := *base.DeepCopy()
	rest.BackendRefs = []gatewayv1.HTTPBackendRef{backend(cd, primaryService(cd), v1beta1.TotalWeight)}
	spec.Rules = append(spec.Rules, rest)
	return spec, nil
}

func primaryService(cd *v1beta1.Canary) string {
	_, p, _ := cd.GetServiceNames()
	return p
}

func canaryService(cd *v1beta1.Canary) string {
	_, _, c := cd.GetServiceNames()
	return c
}

// baseRule is a rule's matches, filters and timeouts, without backends.
func baseRule(cd *v1beta1.Canary, matches []gatewayv1.HTTPRouteMatch) (gatewayv1.HTTPRouteRule, error) {
	filters, err := serviceFilters(cd)
	if err != nil {
		return gatewayv1.HTTPRouteRule{}, err
	}
	return gatewayv1.HTTPRouteRule{Matches: matches, Filters: filters, Timeouts: timeouts(cd.Spec.Service)}, nil
}

// weightedRule splits traffic between the primary and canary services. Like
// Flagger, it mirrors to the canary only for blue/green (iterations set):
// a progressive canary's mirroring step is not kept on an HTTPRoute.
func weightedRule(cd *v1beta1.Canary, base gatewayv1.HTTPRouteRule, routes engine.Routes) gatewayv1.HTTPRouteRule {
	rule := *base.DeepCopy()
	rule.BackendRefs = []gatewayv1.HTTPBackendRef{
		backend(cd, primaryService(cd), routes.Primary),
		backend(cd, canaryService(cd), routes.Canary),
	}
	if a := cd.GetAnalysis(); routes.Mirrored && a != nil && a.Iterations > 0 {
		rule.Filters = append(rule.Filters, gatewayv1.HTTPRouteFilter{
			Type:          gatewayv1.HTTPRouteFilterRequestMirror,
			RequestMirror: &gatewayv1.HTTPRequestMirrorFilter{BackendRef: serviceRef(cd, canaryService(cd))},
		})
	}
	return rule
}

func backend(cd *v1beta1.Canary, service string, w int) gatewayv1.HTTPBackendRef {
	weight := int32(w)
	return gatewayv1.HTTPBackendRef{BackendRef: gatewayv1.BackendRef{BackendObjectReference: serviceRef(cd, service), Weight: &weight}}
}

func serviceRef(cd *v1beta1.Canary, service string) gatewayv1.BackendObjectReference {
	group, kind, port := gatewayv1.Group(""), gatewayv1.Kind("Service"), cd.Spec.Service.Port
	return gatewayv1.BackendObjectReference{Group: &group, Kind: &kind, Name: gatewayv1.ObjectName(service), Port: &port}
}

func everyPath() gatewayv1.HTTPRouteMatch {
	t, v := gatewayv1.PathMatchPathPrefix, "/"
	return gatewayv1.HTTPRouteMatch{Path: &gatewayv1.HTTPPathMatch{Type: &t, Value: &v}}
}

func hostnames(hosts []string) []gatewayv1.Hostname {
	var out []gatewayv1.Hostname
	for _, h := range hosts {
		out = append(out, gatewayv1.Hostname(h))
	}
	return out
}

// parentRefs decodes spec.service.gatewayRefs strictly, so a misspelt field
// is reported rather than dropped.
func parentRefs(cd *v1beta1.Canary) ([]gatewayv1.ParentReference, error) {
	refs := cd.Spec.Service.GatewayRefs
	if len(refs) == 0 {
		return nil, fmt.Errorf("canary %s/%s: the gatewayapi provider needs spec.service.gatewayRefs naming the Gateway to attach the HTTPRoute to", cd.Namespace, cd.Name)
	}
	out := make([]gatewayv1.ParentReference, 0, len(refs))
	for i, raw := range refs {
		var ref gatewayv1.ParentReference
		if err := decodeStrict(raw.Raw, &ref); err != nil {
			return nil, fmt.Errorf("canary %s/%s spec.service.gatewayRefs[%d]: %w", cd.Namespace, cd.Name, i, err)
		}
		if ref.Name == "" {
			return nil, fmt.Errorf("canary %s/%s spec.service.gatewayRefs[%d]: name is required", cd.Namespace, cd.Name, i)
		}
		out = append(out, ref)
	}
	return out, nil
}

func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func timeouts(s v1beta1.CanaryService) *gatewayv1.HTTPRouteTimeouts {
	if s.Timeout == "" && s.BackendTimeout == "" {
		return nil
	}
	t := &gatewayv1.HTTPRouteTimeouts{}
	if s.Timeout != "" {
		d := gatewayv1.Duration(s.Timeout)
		t.Request = &d
	}
	if s.BackendTimeout != "" {
		d := gatewayv1.Duration(s.BackendTimeout)
		t.BackendRequest = &d
	}
	return t
}

// routeMatches maps Istio-style matches to Gateway API ones. What Gateway
// API cannot express (suffix paths, prefix headers...) is an error.
func routeMatches(in []v1beta1.HTTPMatchRequest) ([]gatewayv1.HTTPRouteMatch, error) {
	var out []gatewayv1.HTTPRouteMatch
	for i, m := range in {
		rm, err := routeMatch(m)
		if err != nil {
			return nil, fmt.Errorf("match[%d]: %w", i, err)
		}
		if !equality.Semantic.DeepEqual(rm, gatewayv1.HTTPRouteMatch{}) {
			out = append(out, rm)
		}
	}
	return out, nil
}

func routeMatch(m v1beta1.HTTPMatchRequest) (gatewayv1.HTTPRouteMatch, error) {
	var out gatewayv1.HTTPRouteMatch
	var err error
	if out.Path, err = pathMatch(m.URI); err != nil {
		return out, err
	}
	if out.Method, err = methodMatch(m.Method); err != nil {
		return out, err
	}
	if out.Headers, err = headerMatches(m.Headers); err != nil {
		return out, err
	}
	out.QueryParams, err = queryMatches(m.QueryParams)
	return out, err
}

var errUnsupportedMatch = errors.New("Gateway API supports only exact and regex matches here (and prefix for uri)")

func pathMatch(s *v1beta1.StringMatch) (*gatewayv1.HTTPPathMatch, error) {
	if s == nil {
		return nil, nil
	}
	var t gatewayv1.PathMatchType
	var v string
	switch {
	case s.Regex != "":
		t, v = gatewayv1.PathMatchRegularExpression, s.Regex
	case s.Exact != "":
		t, v = gatewayv1.PathMatchExact, s.Exact
	case s.Prefix != "":
		t, v = gatewayv1.PathMatchPathPrefix, s.Prefix
	default:
		return nil, fmt.Errorf("uri %+v: %w", *s, errUnsupportedMatch)
	}
	return &gatewayv1.HTTPPathMatch{Type: &t, Value: &v}, nil
}

func methodMatch(s *v1beta1.StringMatch) (*gatewayv1.HTTPMethod, error) {
	if s == nil {
		return nil, nil
	}
	if s.Exact == "" {
		return nil, fmt.Errorf("method %+v: Gateway API matches methods exactly only", *s)
	}
	m := gatewayv1.HTTPMethod(s.Exact)
	return &m, nil
}

// exactOrRegex is the value and whether it is a regular expression.
func exactOrRegex(s v1beta1.StringMatch) (string, bool, error) {
	switch {
	case s.Exact != "":
		return s.Exact, false, nil
	case s.Regex != "":
		return s.Regex, true, nil
	}
	return "", false, fmt.Errorf("%+v: %w", s, errUnsupportedMatch)
}

// headerMatches sorts by name, so the route is the same on every tick.
func headerMatches(in map[string]v1beta1.StringMatch) ([]gatewayv1.HTTPHeaderMatch, error) {
	var out []gatewayv1.HTTPHeaderMatch
	for _, name := range slices.Sorted(maps.Keys(in)) {
		v, regex, err := exactOrRegex(in[name])
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", name, err)
		}
		t := gatewayv1.HeaderMatchExact
		if regex {
			t = gatewayv1.HeaderMatchRegularExpression
		}
		out = append(out, gatewayv1.HTTPHeaderMatch{Type: &t, Name: gatewayv1.HTTPHeaderName(name), Value: v})
	}
	return out, nil
}

func queryMatches(in map[string]v1beta1.StringMatch) ([]gatewayv1.HTTPQueryParamMatch, error) {
	var out []gatewayv1.HTTPQueryParamMatch
	for _, name := range slices.Sorted(maps.Keys(in)) {
		v, regex, err := exactOrRegex(in[name])
		if err != nil {
			return nil, fmt.Errorf("query parameter %s: %w", name, err)
		}
		t := gatewayv1.QueryParamMatchExact
		if regex {
			t = gatewayv1.QueryParamMatchRegularExpression
		}
		out = append(out, gatewayv1.HTTPQueryParamMatch{Type: &t, Name: gatewayv1.HTTPHeaderName(name), Value: v})
	}
	return out, nil
}

// mergeMatches crosses the A/B matches with the service's: each service
// match takes the A/B headers and query parameters, as Flagger merges them.
func mergeMatches(ab, service []gatewayv1.HTTPRouteMatch) []gatewayv1.HTTPRouteMatch {
	if len(ab) == 0 {
		return service
	}
	out := make([]gatewayv1.HTTPRouteMatch, 0, len(ab)*len(service))
	for _, a := range ab {
		for _, s := range service {
			m := *s.DeepCopy()
			if len(a.Headers) > 0 {
				m.Headers = a.Headers
			}
			if len(a.QueryParams) > 0 {
				m.QueryParams = a.QueryParams
			}
			out = append(out, m)
		}
	}
	return out
}

// headerOps is one direction of Flagger's spec.service.headers.
type headerOps struct {
	Add    map[string]string `json:"add,omitempty"`
	Set    map[string]string `json:"set,omitempty"`
	Remove []string          `json:"remove,omitempty"`
}

// serviceFilters are the header and rewrite filters every rule carries.
func serviceFilters(cd *v1beta1.Canary) ([]gatewayv1.HTTPRouteFilter, error) {
	var filters []gatewayv1.HTTPRouteFilter
	if h := cd.Spec.Service.Headers; h != nil {
		var ops struct {
			Request  *headerOps `json:"request,omitempty"`
			Response *headerOps `json:"response,omitempty"`
		}
		if err := decodeStrict(h.Raw, &ops); err != nil {
			return nil, fmt.Errorf("canary %s/%s spec.service.headers: %w", cd.Namespace, cd.Name, err)
		}
		if ops.Request != nil {
			filters = append(filters, gatewayv1.HTTPRouteFilter{Type: gatewayv1.HTTPRouteFilterRequestHeaderModifier, RequestHeaderModifier: headerFilter(ops.Request)})
		}
		if ops.Response != nil {
			filters = append(filters, gatewayv1.HTTPRouteFilter{Type: gatewayv1.HTTPRouteFilterResponseHeaderModifier, ResponseHeaderModifier: headerFilter(ops.Response)})
		}
	}
	if rw := cd.Spec.Service.Rewrite; rw != nil {
		filters = append(filters, gatewayv1.HTTPRouteFilter{Type: gatewayv1.HTTPRouteFilterURLRewrite, URLRewrite: rewriteFilter(rw)})
	}
	return filters, nil
}

func headerFilter(ops *headerOps) *gatewayv1.HTTPHeaderFilter {
	return &gatewayv1.HTTPHeaderFilter{Add: sortedHeaders(ops.Add), Set: sortedHeaders(ops.Set), Remove: ops.Remove}
}

func sortedHeaders(m map[string]string) []gatewayv1.HTTPHeader {
	var out []gatewayv1.HTTPHeader
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, gatewayv1.HTTPHeader{Name: gatewayv1.HTTPHeaderName(k), Value: m[k]})
	}
	return out
}

// rewriteFilter replaces the full path unless the type asks for the prefix.
func rewriteFilter(rw *v1beta1.HTTPRewrite) *gatewayv1.HTTPURLRewriteFilter {
	f := &gatewayv1.HTTPURLRewriteFilter{}
	if rw.Authority != "" {
		h := gatewayv1.PreciseHostname(rw.Authority)
		f.Hostname = &h
	}
	if rw.URI == "" {
		return f
	}
	uri := rw.URI
	if rw.Type == string(gatewayv1.PrefixMatchHTTPPathModifier) {
		f.Path = &gatewayv1.HTTPPathModifier{Type: gatewayv1.PrefixMatchHTTPPathModifier, ReplacePrefixMatch: &uri}
	} else {
		f.Path = &gatewayv1.HTTPPathModifier{Type: gatewayv1.FullPathHTTPPathModifier, ReplaceFullPath: &uri}
	}
	return f
}
