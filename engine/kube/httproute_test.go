// This file tests the routers on a fake client: which providers have one, the HTTPRoute's weights
// and shape, what Gateway API cannot express, waiting for the Gateway, and Reconcile.

package kube

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func gatewayScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := v1beta1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := gatewayv1.Install(s); err != nil {
		t.Fatal(err)
	}
	return s
}

func fakeClient(t *testing.T, objs ...client.Object) client.Client {
	t.Helper()
	return fake.NewClientBuilder().WithScheme(gatewayScheme(t)).WithObjects(objs...).Build()
}

// gatewayCanary is podinfo on the gatewayapi provider; edit changes it.
func gatewayCanary(edit func(*v1beta1.Canary)) *v1beta1.Canary {
	cd := &v1beta1.Canary{
		ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test", UID: "cd-uid"},
		Spec: v1beta1.CanarySpec{
			Provider:  v1beta1.GatewayAPIProvider,
			TargetRef: v1beta1.LocalObjectReference{Kind: "Deployment", Name: "podinfo"},
			Service: v1beta1.CanaryService{Port: 9898, Hosts: []string{"www.example.com"},
				GatewayRefs: []apiextensionsv1.JSON{{Raw: []byte(`{"name":"gateway","namespace":"istio-ingress"}`)}}},
			Analysis: &v1beta1.CanaryAnalysis{StepWeight: 10, MaxWeight: 50},
		},
	}
	if edit != nil {
		edit(cd)
	}
	return cd
}

func abTesting(cd *v1beta1.Canary) {
	cd.Spec.Analysis = &v1beta1.CanaryAnalysis{Iterations: 5, Match: []v1beta1.HTTPMatchRequest{
		{Headers: map[string]v1beta1.StringMatch{"x-canary": {Exact: "insider"}}},
		{Headers: map[string]v1beta1.StringMatch{"cookie": {Regex: "^(.*?;)?(canary=always)(;.*)?$"}}},
	}}
}

func blueGreen(cd *v1beta1.Canary) {
	cd.Spec.Analysis = &v1beta1.CanaryAnalysis{Iterations: 5, Mirror: true}
}

func getRoute(t *testing.T, c client.Client, cd *v1beta1.Canary) *gatewayv1.HTTPRoute {
	t.Helper()
	var hr gatewayv1.HTTPRoute
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: cd.Namespace, Name: "podinfo"}, &hr); err != nil {
		t.Fatalf("reading the HTTPRoute: %v", err)
	}
	return &hr
}

func TestRouterFor(t *testing.T) {
	tests := []struct {
		provider string
		want     any
		ok       bool
	}{
		{"", nil, false}, // the provider is resolved before (v1beta1.Canary.ProviderFor), never empty
		{"kubernetes", NopRouter{}, true},
		{"gatewayapi", HTTPRouteRouter{}, true},
		{"gatewayapi:v1", HTTPRouteRouter{}, true},
		{"gatewayapi:v1beta1", HTTPRouteRouter{}, true},
		{"istio", nil, false},
		{"nginx", nil, false},
		{"gatewayapix", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			r, ok := RouterFor(tt.provider, nil)
			if ok != tt.ok || reflect.TypeOf(r) != reflect.TypeOf(tt.want) {
				t.Errorf("RouterFor(%q) = %T, %v; want %T, %v", tt.provider, r, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestHTTPRouteRoundTrip: the weights SetRoutes writes are the weights
// Routes reads, through a real object in a client, except for mirroring,
// which Flagger keeps on an HTTPRoute only for blue/green.
func TestHTTPRouteRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		edit func(*v1beta1.Canary)
		set  engine.Routes
		want engine.Routes
	}{
		{"all on primary", nil, engine.Routes{Primary: 100}, engine.Routes{Primary: 100}},
		{"first step", nil, engine.Routes{Primary: 90, Canary: 10}, engine.Routes{Primary: 90, Canary: 10}},
		{"max weight", nil, engine.Routes{Primary: 50, Canary: 50}, engine.Routes{Primary: 50, Canary: 50}},
		{"all on canary", nil, engine.Routes{Canary: 100}, engine.Routes{Canary: 100}},
		{"A/B matches to the canary", abTesting, engine.Routes{Canary: 100}, engine.Routes{Canary: 100}},
		{"A/B rolled back", abTesting, engine.Routes{Primary: 100}, engine.Routes{Primary: 100}},
		{"blue/green mirroring", blueGreen, engine.Routes{Primary: 100, Mirrored: true}, engine.Routes{Primary: 100, Mirrored: true}},
		{"progressive canary mirroring is not kept", nil, engine.Routes{Primary: 100, Mirrored: true}, engine.Routes{Primary: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			cd := gatewayCanary(tt.edit)
			r := HTTPRouteRouter{Client: fakeClient(t)}
			// Twice: the first call creates the route, the second updates it.
			for _, set := range []engine.Routes{{Primary: 80, Canary: 20}, tt.set} {
				if err := r.SetRoutes(ctx, cd, set); err != nil {
					t.Fatal(err)
				}
			}
			got, err := r.Routes(ctx, cd)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Routes() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRoutesBeforeTheRouteExists(t *testing.T) {
	got, err := HTTPRouteRouter{Client: fakeClient(t)}.Routes(context.Background(), gatewayCanary(nil))
	if err != nil || got != (engine.Routes{Primary: 100}) {
		t.Errorf("Routes() = %+v, %v; want all on the primary", got, err)
	}
}

// backends lists a rule's backends as name:port=weight.
func backends(rule gatewayv1.HTTPRouteRule) string {
	var out []string
	for _, b := range rule.BackendRefs {
		out = append(out, fmt.Sprintf("%s:%d=%d", b.Name, *b.Port, *b.Weight))
	}
	return strings.Join(out, " ")
}

// headers lists a match's headers as name=value (type).
func headers(m gatewayv1.HTTPRouteMatch) string {
	var out []string
	for _, h := range m.Headers {
		out = append(out, fmt.Sprintf("%s=%s (%s)", h.Name, h.Value, *h.Type))
	}
	return strings.Join(out, " ")
}

func filterTypes(fs []gatewayv1.HTTPRouteFilter) string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Type))
	}
	return strings.Join(out, " ")
}

// TestHTTPRouteShape checks the route Flagger's gatewayapi router would
// write: parents, hosts, the weighted rule, and the A/B split.
func TestHTTPRouteShape(t *testing.T) {
	ctx := context.Background()
	t.Run("canary", func(t *testing.T) {
		c := fakeClient(t)
		cd := gatewayCanary(nil)
		if err := (HTTPRouteRouter{Client: c}).SetRoutes(ctx, cd, engine.Routes{Primary: 90, Canary: 10}); err != nil {
			t.Fatal(err)
		}
		hr := getRoute(t, c, cd)
		ref := hr.Spec.ParentRefs
		if len(ref) != 1 || ref[0].Name != "gateway" || ref[0].Namespace == nil || *ref[0].Namespace != "istio-ingress" {
			t.Errorf("parentRefs = %+v, want gateway in istio-ingress", ref)
		}
		if !reflect.DeepEqual(hr.Spec.Hostnames, []gatewayv1.Hostname{"www.example.com"}) {
			t.Errorf("hostnames = %v", hr.Spec.Hostnames)
		}
		if len(hr.Spec.Rules) != 1 {
			t.Fatalf("%d rules, want one weighted rule", len(hr.Spec.Rules))
		}
		rule := hr.Spec.Rules[0]
		if got, want := backends(rule), "podinfo-primary:9898=90 podinfo-canary:9898=10"; got != want {
			t.Errorf("backends = %s, want %s", got, want)
		}
		if p := rule.Matches[0].Path; len(rule.Matches) != 1 || *p.Type != gatewayv1.PathMatchPathPrefix || *p.Value != "/" {
			t.Errorf("matches = %+v, want every path", rule.Matches)
		}
		if hr.Annotations["kustomize.toolkit.fluxcd.io/reconcile"] != "disabled" {
			t.Errorf("annotations = %v, want Flux's reconcile disabled", hr.Annotations)
		}
		if len(hr.OwnerReferences) != 1 || hr.OwnerReferences[0].Name != "podinfo" || hr.OwnerReferences[0].Kind != "Canary" {
			t.Errorf("owner references = %+v, want the Canary", hr.OwnerReferences)
		}
	})
	t.Run("A/B", func(t *testing.T) {
		c := fakeClient(t)
		cd := gatewayCanary(func(cd *v1beta1.Canary) {
			abTesting(cd)
			cd.Spec.Service.Match = []v1beta1.HTTPMatchRequest{{URI: &v1beta1.StringMatch{Prefix: "/api"}}}
		})
		if err := (HTTPRouteRouter{Client: c}).SetRoutes(ctx, cd, engine.Routes{Canary: 100}); err != nil {
			t.Fatal(err)
		}
		rules := getRoute(t, c, cd).Spec.Rules
		if len(rules) != 2 {
			t.Fatalf("%d rules, want the A/B rule and the rest", len(rules))
		}
		if got, want := backends(rules[0]), "podinfo-primary:9898=0 podinfo-canary:9898=100"; got != want {
			t.Errorf("A/B rule backends = %s, want %s", got, want)
		}
		if got, want := backends(rules[1]), "podinfo-primary:9898=100"; got != want {
			t.Errorf("other traffic backends = %s, want %s", got, want)
		}
		m := rules[0].Matches
		if len(m) != 2 || headers(m[0]) != "x-canary=insider (Exact)" ||
			headers(m[1]) != "cookie=^(.*?;)?(canary=always)(;.*)?$ (RegularExpression)" {
			t.Errorf("A/B matches = %+v", m)
		}
		for i, mm := range m {
			if mm.Path == nil || *mm.Path.Value != "/api" {
				t.Errorf("A/B match %d lost the service's /api prefix: %+v", i, mm.Path)
			}
		}
		if len(rules[1].Matches) != 1 || *rules[1].Matches[0].Path.Value != "/api" || len(rules[1].Matches[0].Headers) != 0 {
			t.Errorf("other traffic matches = %+v, want the service's match alone", rules[1].Matches)
		}
	})
	t.Run("blue/green mirror, timeouts, headers, rewrite", func(t *testing.T) {
		c := fakeClient(t)
		cd := gatewayCanary(func(cd *v1beta1.Canary) {
			blueGreen(cd)
			cd.Spec.Service.Timeout, cd.Spec.Service.BackendTimeout = "30s", "10s"
			cd.Spec.Service.Headers = &apiextensionsv1.JSON{Raw: []byte(`{"request":{"set":{"b":"2","a":"1"},"remove":["x-debug"]}}`)}
			cd.Spec.Service.Rewrite = &v1beta1.HTTPRewrite{URI: "/v2", Type: "ReplacePrefixMatch"}
		})
		if err := (HTTPRouteRouter{Client: c}).SetRoutes(ctx, cd, engine.Routes{Primary: 100, Mirrored: true}); err != nil {
			t.Fatal(err)
		}
		rule := getRoute(t, c, cd).Spec.Rules[0]
		if got, want := filterTypes(rule.Filters), "RequestHeaderModifier URLRewrite RequestMirror"; got != want {
			t.Errorf("filters = %s, want %s", got, want)
		}
		set := rule.Filters[0].RequestHeaderModifier.Set
		if len(set) != 2 || set[0].Name != "a" || set[1].Name != "b" {
			t.Errorf("headers set = %+v, want a then b (sorted, so every tick writes the same route)", set)
		}
		if p := rule.Filters[1].URLRewrite.Path; p.Type != gatewayv1.PrefixMatchHTTPPathModifier || *p.ReplacePrefixMatch != "/v2" {
			t.Errorf("rewrite = %+v", p)
		}
		if m := rule.Filters[2].RequestMirror.BackendRef; m.Name != "podinfo-canary" || *m.Port != 9898 {
			t.Errorf("mirror backend = %+v, want podinfo-canary:9898", m)
		}
		if to := rule.Timeouts; to == nil || *to.Request != "30s" || *to.BackendRequest != "10s" {
			t.Errorf("timeouts = %+v", to)
		}
	})
}

// TestHTTPRouteRefusals: what Gateway API cannot express, or a Canary that
// cannot be routed, is an error that names the field.
func TestHTTPRouteRefusals(t *testing.T) {
	tests := []struct {
		name string
		edit func(*v1beta1.Canary)
		want string
	}{
		{"no gatewayRefs", func(cd *v1beta1.Canary) { cd.Spec.Service.GatewayRefs = nil }, "needs spec.service.gatewayRefs"},
		{"misspelt gatewayRef field", func(cd *v1beta1.Canary) {
			cd.Spec.Service.GatewayRefs = []apiextensionsv1.JSON{{Raw: []byte(`{"name":"gw","namespaec":"x"}`)}}
		}, `gatewayRefs[0]: json: unknown field "namespaec"`},
		{"nameless gatewayRef", func(cd *v1beta1.Canary) {
			cd.Spec.Service.GatewayRefs = []apiextensionsv1.JSON{{Raw: []byte(`{"namespace":"x"}`)}}
		}, "gatewayRefs[0]: name is required"},
		{"suffix uri", func(cd *v1beta1.Canary) {
			cd.Spec.Service.Match = []v1beta1.HTTPMatchRequest{{URI: &v1beta1.StringMatch{Suffix: ".png"}}}
		}, "spec.service.match: match[0]: uri"},
		{"prefix header in the A/B match", func(cd *v1beta1.Canary) {
			abTesting(cd)
			cd.Spec.Analysis.Match[1].Headers = map[string]v1beta1.StringMatch{"user-agent": {Prefix: "Mozilla"}}
		}, "spec.analysis.match: match[1]: header user-agent"},
		{"regex method", func(cd *v1beta1.Canary) {
			cd.Spec.Service.Match = []v1beta1.HTTPMatchRequest{{Method: &v1beta1.StringMatch{Regex: "GET|POST"}}}
		}, "matches methods exactly only"},
		{"unknown header operation", func(cd *v1beta1.Canary) {
			cd.Spec.Service.Headers = &apiextensionsv1.JSON{Raw: []byte(`{"request":{"append":{"a":"1"}}}`)}
		}, "spec.service.headers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeClient(t)
			err := HTTPRouteRouter{Client: c}.SetRoutes(context.Background(), gatewayCanary(tt.edit), engine.Routes{Primary: 100})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("SetRoutes error = %v, want one containing %q", err, tt.want)
			}
			var list gatewayv1.HTTPRouteList
			if err := c.List(context.Background(), &list); err != nil || len(list.Items) != 0 {
				t.Errorf("a refused route was written: %d routes, %v", len(list.Items), err)
			}
		})
	}
}

// TestRoutesWaitsForTheGateway: a parent that has not accepted the route's
// current generation makes the weights unreadable, as in Flagger.
func TestRoutesWaitsForTheGateway(t *testing.T) {
	tests := []struct {
		name     string
		status   metav1.ConditionStatus
		observed int64
		wantErr  bool
	}{
		{"accepted", metav1.ConditionTrue, 3, false},
		{"not accepted", metav1.ConditionFalse, 3, true},
		{"older generation", metav1.ConditionTrue, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cd := gatewayCanary(nil)
			spec, err := httpRouteSpec(cd, engine.Routes{Primary: 60, Canary: 40})
			if err != nil {
				t.Fatal(err)
			}
			hr := &gatewayv1.HTTPRoute{ObjectMeta: metav1.ObjectMeta{Name: "podinfo", Namespace: "test", Generation: 3}, Spec: spec}
			hr.Status.Parents = []gatewayv1.RouteParentStatus{{ParentRef: spec.ParentRefs[0], ControllerName: "example.com/gw",
				Conditions: []metav1.Condition{{Type: "Accepted", Status: tt.status, ObservedGeneration: tt.observed, Reason: "Test"}}}}
			got, err := HTTPRouteRouter{Client: fakeClient(t, hr)}.Routes(context.Background(), cd)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Routes() error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && got != (engine.Routes{Primary: 60, Canary: 40}) {
				t.Errorf("Routes() = %+v", got)
			}
		})
	}
}

// TestReconcileKeepsWeights: Reconcile creates the route all on the
// primary, then follows the Canary's hosts without touching the weights,
// and keeps annotations other controllers put on the route.
func TestReconcileKeepsWeights(t *testing.T) {
	ctx := context.Background()
	c := fakeClient(t)
	r := HTTPRouteRouter{Client: c}
	cd := gatewayCanary(nil)
	if err := r.Reconcile(ctx, cd); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Routes(ctx, cd); got != (engine.Routes{Primary: 100}) {
		t.Fatalf("after the first Reconcile, Routes() = %+v, want all on the primary", got)
	}
	if err := r.SetRoutes(ctx, cd, engine.Routes{Primary: 70, Canary: 30}); err != nil {
		t.Fatal(err)
	}
	hr := getRoute(t, c, cd)
	hr.Annotations["example.com/owner"] = "gateway-controller"
	if err := c.Update(ctx, hr); err != nil {
		t.Fatal(err)
	}
	cd.Spec.Service.Hosts = []string{"app.example.com"}
	if err := r.Reconcile(ctx, cd); err != nil {
		t.Fatal(err)
	}
	hr = getRoute(t, c, cd)
	if got, _ := r.Routes(ctx, cd); got != (engine.Routes{Primary: 70, Canary: 30}) {
		t.Errorf("Reconcile changed the weights to %+v", got)
	}
	if !reflect.DeepEqual(hr.Spec.Hostnames, []gatewayv1.Hostname{"app.example.com"}) {
		t.Errorf("hostnames = %v, want the Canary's new host", hr.Spec.Hostnames)
	}
	if hr.Annotations["example.com/owner"] != "gateway-controller" {
		t.Errorf("annotations = %v, lost another controller's annotation", hr.Annotations)
	}
}

// TestReconcileWritesOnlyChanges: a route already in line is not updated.
func TestReconcileWritesOnlyChanges(t *testing.T) {
	ctx := context.Background()
	c := fakeClient(t)
	r := HTTPRouteRouter{Client: c}
	cd := gatewayCanary(abTesting)
	if err := r.SetRoutes(ctx, cd, engine.Routes{Canary: 100}); err != nil {
		t.Fatal(err)
	}
	before := getRoute(t, c, cd).ResourceVersion
	for range 2 {
		if err := r.Reconcile(ctx, cd); err != nil {
			t.Fatal(err)
		}
	}
	if after := getRoute(t, c, cd).ResourceVersion; after != before {
		t.Errorf("resourceVersion %s → %s: Reconcile rewrote an unchanged route", before, after)
	}
}
