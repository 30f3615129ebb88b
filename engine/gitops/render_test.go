// This file tests rendering on fixtures/flux-repo: the prod overlay's patches and generated
// ConfigMap, and a Flux Kustomization's namespace, prefix, patches, images and substitutions.

package gitops

import (
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/resid"
	"sigs.k8s.io/yaml"
)

const fluxRepo = "../../fixtures/flux-repo"

// object is the rendered object of kind and name, decoded.
func object(t *testing.T, b *Build, kind, name string) (Object, map[string]any) {
	t.Helper()
	for _, o := range b.Objects {
		var m map[string]any
		if err := yaml.Unmarshal(o.YAML, &m); err != nil {
			t.Fatal(err)
		}
		meta, _ := m["metadata"].(map[string]any)
		if m["kind"] == kind && meta["name"] == name {
			return o, m
		}
	}
	t.Fatalf("no %s %s among the rendered objects", kind, name)
	return Object{}, nil
}

// at walks a decoded object along keys and list indices.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

// TestRenderOverlay: the prod overlay's Canary is the base's, patched by a
// strategic-merge patch and a JSON patch, and the generated ConfigMap's
// hashed name is the one the Deployment references.
func TestRenderOverlay(t *testing.T) {
	b, err := Render(filepath.Join(fluxRepo, "apps/overlays/prod"), Options{Root: fluxRepo})
	if err != nil {
		t.Fatal(err)
	}
	o, cd := object(t, b, "Canary", "podinfo")
	checks := []struct {
		path []any
		want any
	}{
		{[]any{"spec", "analysis", "interval"}, "30s"},
		{[]any{"spec", "analysis", "threshold"}, float64(2)},
		{[]any{"spec", "analysis", "stepWeight"}, float64(10)},
		{[]any{"spec", "analysis", "metrics", 0, "thresholdRange", "min"}, 99.5},
		{[]any{"spec", "analysis", "metrics", 1, "thresholdRange", "max"}, float64(250)},
		{[]any{"metadata", "labels", "env"}, "prod"},
		{[]any{"metadata", "namespace"}, "podinfo"},
	}
	for _, c := range checks {
		if got := at(cd, c.path...); got != c.want {
			t.Errorf("Canary %v = %v, want %v", c.path, got, c.want)
		}
	}
	if _, ok := at(cd, "metadata").(map[string]any)["annotations"]; ok {
		t.Errorf("the origin annotation was kept: %s", o.YAML)
	}
	if want := filepath.Join(fluxRepo, "apps/base/podinfo/canary.yaml"); o.Source.File != want {
		t.Errorf("Canary source %s, want %s", o.Source.File, want)
	}
	if !hasLayer(o, filepath.Join(fluxRepo, "apps/overlays/prod/canary-analysis.yaml"), Document) || !hasLayer(o, filepath.Join(fluxRepo, "apps/overlays/prod/kustomization.yaml"), JSONPatch) {
		t.Errorf("Canary layers miss the prod patches: %+v", o.Layers)
	}
	cm := configMapName(t, b)
	_, d := object(t, b, "Deployment", "podinfo")
	if got := at(d, "spec", "template", "spec", "containers", 0, "envFrom", 0, "configMapRef", "name"); got != cm {
		t.Errorf("Deployment reads ConfigMap %v, want the generated %s", got, cm)
	}
	if got := at(d, "spec", "template", "spec", "containers", 0, "image"); got != "ghcr.io/stefanprodan/podinfo:6.5.1" {
		t.Errorf("image %v, want the overlay's tag 6.5.1", got)
	}
	gen, _ := object(t, b, "ConfigMap", cm)
	if gen.Source.Anchor != "configMapGenerator[0]" || !strings.HasSuffix(gen.Source.File, "base/podinfo/kustomization.yaml") {
		t.Errorf("generated ConfigMap source %s %q, want the base's configMapGenerator[0]", gen.Source.File, gen.Source.Anchor)
	}
}

func hasLayer(o Object, file string, kind PieceKind) bool {
	for _, l := range o.Layers {
		if l.File == file && l.Kind == kind {
			return true
		}
	}
	return false
}

func configMapName(t *testing.T, b *Build) string {
	t.Helper()
	for _, o := range b.Objects {
		var m map[string]any
		if err := yaml.Unmarshal(o.YAML, &m); err != nil {
			t.Fatal(err)
		}
		if m["kind"] == "ConfigMap" {
			name := at(m, "metadata", "name").(string)
			if !strings.HasPrefix(name, "podinfo-config-") || len(name) <= len("podinfo-config-") {
				t.Fatalf("generated ConfigMap %q has no hash suffix", name)
			}
			return name
		}
	}
	t.Fatal("no generated ConfigMap")
	return ""
}

// TestRenderFlux: a Flux Kustomization's targetNamespace, namePrefix,
// patches, images and postBuild.substitute are applied as
// kustomize-controller applies them; the Canary's references follow the
// prefix through the base's kustomize configuration.
func TestRenderFlux(t *testing.T) {
	flux := &Flux{Ref: "flux-system/apps", File: "apps.yaml", Line: 1,
		TargetNamespace: "edge", NamePrefix: "eu-",
		Images: []types.Image{{Name: "ghcr.io/stefanprodan/podinfo", NewTag: "6.6.0"}},
		Patches: []FluxPatch{{Patch: types.Patch{Patch: "- op: replace\n  path: /spec/analysis/maxWeight\n  value: 30\n",
			Target: &types.Selector{ResId: resid.ResId{Gvk: resid.Gvk{Kind: "Canary"}}}}}},
		Substitute: map[string]string{"cluster_name": "eu-1"}}
	b, err := Render(filepath.Join(fluxRepo, "apps/overlays/staging"), Options{Root: fluxRepo, Flux: flux})
	if err != nil {
		t.Fatal(err)
	}
	_, cd := object(t, b, "Canary", "eu-podinfo")
	if got := at(cd, "spec", "targetRef", "name"); got != "eu-podinfo" {
		t.Errorf("targetRef.name %v, want the prefixed eu-podinfo", got)
	}
	if got := at(cd, "spec", "analysis", "metrics", 2, "templateRef", "name"); got != "eu-not-found-percentage" {
		t.Errorf("templateRef.name %v, want the prefixed eu-not-found-percentage", got)
	}
	if got := at(cd, "metadata", "namespace"); got != "edge" {
		t.Errorf("namespace %v, want the targetNamespace edge", got)
	}
	if got := at(cd, "spec", "analysis", "maxWeight"); got != float64(30) {
		t.Errorf("maxWeight %v, want Flux's patch's 30", got)
	}
	_, d := object(t, b, "Deployment", "eu-podinfo")
	c := at(d, "spec", "template", "spec", "containers", 0)
	if got := at(c, "env", 0, "value"); got != "eu-1" {
		t.Errorf("CLUSTER_NAME %v, want the substituted eu-1", got)
	}
	if got := at(c, "image"); got != "ghcr.io/stefanprodan/podinfo:6.6.0" {
		t.Errorf("image %v, want Flux's tag 6.6.0", got)
	}
}
