// This file tests loading GitOps repositories: the Flux fixture's overlays as variants, rendered
// fields and errors at their source line, flux bootstrap's layout, other tools' YAML, remote bases.

package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fluxRepo = "../../fixtures/flux-repo"

// fluxFile is a file of the Flux fixture repository, as the loader names it.
func fluxFile(rel string) string { return filepath.Join(fluxRepo, rel) }

// TestLoadFluxRepo: the repository's two overlays of podinfo become two
// variants, each holding its own patched Canary; the prod overlay is
// rendered through the Flux Kustomization that points at it (so its
// substitution is made), the HelmRelease is named as not rendered, and
// nothing of the base is read twice.
func TestLoadFluxRepo(t *testing.T) {
	set, err := LoadFiles(fluxRepo)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Variants) != 2 || set.Variants[0].Name != "apps/overlays/prod" || set.Variants[1].Name != "apps/overlays/staging" {
		t.Fatalf("variants %v, want apps/overlays/prod and apps/overlays/staging", variantNames(set))
	}
	if len(set.Canaries) != 0 || len(set.Others) != 2 {
		t.Errorf("shared objects: %d Canaries, %d others, want none and the Flux Kustomization and HelmRelease", len(set.Canaries), len(set.Others))
	}
	if len(set.Notes) != 1 || set.Notes[0].Subject != "HelmRelease flux-system/ingress-nginx" || set.Notes[0].File != fluxFile("clusters/prod/ingress-nginx.yaml") || set.Notes[0].Line != 3 {
		t.Errorf("notes %+v, want the HelmRelease at clusters/prod/ingress-nginx.yaml:3", set.Notes)
	}
	want := map[string]struct {
		interval  string
		threshold int
		min, max  float64
		cluster   string
	}{
		"apps/overlays/prod":    {"30s", 2, 99.5, 250, "prod-eu-1"},
		"apps/overlays/staging": {"1m", 6, 95, 500, "${cluster_name:=local}"},
	}
	for _, v := range set.Builds() {
		w := want[v.Name]
		if len(v.Canaries) != 1 || len(v.Deployments) != 1 {
			t.Fatalf("%s: %d Canaries, %d Deployments, want one of each", v.Name, len(v.Canaries), len(v.Deployments))
		}
		a := v.Canaries[0].Spec.Analysis
		if a.Interval != w.interval || a.Threshold != w.threshold || *a.Metrics[0].ThresholdRange.Min != w.min || *a.Metrics[1].ThresholdRange.Max != w.max {
			t.Errorf("%s: Canary analysis interval %s threshold %d min %v max %v, want %+v", v.Name, a.Interval, a.Threshold,
				*a.Metrics[0].ThresholdRange.Min, *a.Metrics[1].ThresholdRange.Max, w)
		}
		if got := v.Deployments[0].Spec.Template.Spec.Containers[0].Env[0].Value; got != w.cluster {
			t.Errorf("%s: CLUSTER_NAME %q, want %q (Flux substitutes only the build its Kustomization renders)", v.Name, got, w.cluster)
		}
		cm := v.Deployments[0].Spec.Template.Spec.Containers[0].EnvFrom[0].ConfigMapRef.Name
		if len(v.ConfigMaps) != 1 || v.ConfigMaps[0].Name != cm || !strings.HasPrefix(cm, "podinfo-config-") {
			t.Errorf("%s: Deployment reads ConfigMap %s, want the generated, hashed one", v.Name, cm)
		}
		o := v.Origins[Key("Canary", "podinfo", "podinfo")]
		if o.File != fluxFile("apps/base/podinfo/canary.yaml") || o.Line != 3 || o.Build != v.Name {
			t.Errorf("%s: Canary origin %+v, want the base's canary.yaml:3 built by %s", v.Name, o, v.Name)
		}
	}
}

func variantNames(set *Set) []string {
	var out []string
	for _, v := range set.Variants {
		out = append(out, v.Name)
	}
	return out
}

// TestRenderedFieldsPointAtSource: a rendered field is placed in the file
// and at the line that set it: the overlay's patch, its JSON patch, its
// labels, or the base.
func TestRenderedFieldsPointAtSource(t *testing.T) {
	set, err := LoadFiles(fluxRepo)
	if err != nil {
		t.Fatal(err)
	}
	canary := Key("Canary", "podinfo", "podinfo")
	cases := []struct {
		build, field, file string
		line               int
	}{
		{"apps/overlays/prod", "spec.analysis.interval", "apps/overlays/prod/canary-analysis.yaml", 10},
		{"apps/overlays/prod", "spec.analysis.threshold", "apps/overlays/prod/canary-analysis.yaml", 11},
		{"apps/overlays/prod", "spec.analysis.metrics[0].thresholdRange.min", "apps/overlays/prod/kustomization.yaml", 20},
		{"apps/overlays/prod", "spec.analysis.metrics[1].thresholdRange.max", "apps/overlays/prod/kustomization.yaml", 23},
		{"apps/overlays/prod", "spec.analysis.metrics[2].thresholdRange.max", "apps/base/podinfo/canary.yaml", 34},
		{"apps/overlays/prod", "spec.analysis.stepWeight", "apps/base/podinfo/canary.yaml", 20},
		{"apps/overlays/prod", "metadata.labels.env", "apps/overlays/prod/kustomization.yaml", 9},
		{"apps/overlays/prod", "metadata.namespace", "apps/base/podinfo/kustomization.yaml", 4},
		{"apps/overlays/staging", "spec.analysis.threshold", "apps/overlays/staging/canary-steps.yaml", 8},
		{"apps/overlays/staging", "spec.analysis.metrics[0].thresholdRange.min", "apps/overlays/staging/success-rate.yaml", 4},
		{"apps/overlays/staging", "spec.analysis.interval", "apps/base/podinfo/canary.yaml", 17},
		{"apps/overlays/staging", "metadata.labels.env", "apps/overlays/staging/kustomization.yaml", 7},
		{"apps/overlays/staging", "spec.analysis.webhooks", "apps/base/podinfo/canary.yaml", 16}, // not written: its parent
	}
	for _, c := range cases {
		v := variant(t, set, c.build)
		file, line, ok := v.Place(canary, c.field)
		if !ok || file != fluxFile(c.file) || line != c.line {
			t.Errorf("%s %s at %s:%d, want %s:%d", c.build, c.field, file, line, c.file, c.line)
		}
	}
}

func variant(t *testing.T, set *Set, name string) *Set {
	t.Helper()
	for _, v := range set.Variants {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no variant %s among %v", name, variantNames(set))
	return nil
}

// TestLoadOverlayAlone: one overlay folder is one build, with no variants.
func TestLoadOverlayAlone(t *testing.T) {
	repo := fluxClone(t)
	set, err := LoadFiles(filepath.Join(repo, "apps/overlays/prod"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Variants) != 0 || set.Rendered != 1 || len(set.Canaries) != 1 || len(set.MetricTemplates) != 1 {
		t.Fatalf("got %d variants, %d builds, %d Canaries, %d templates; want one build with its Canary and template",
			len(set.Variants), set.Rendered, len(set.Canaries), len(set.MetricTemplates))
	}
	if got := set.Canaries[0].Spec.Analysis.Interval; got != "30s" {
		t.Errorf("interval %s, want the overlay's 30s", got)
	}
	if _, err := set.Canary(""); err != nil {
		t.Errorf("the only Canary: %v", err)
	}
	if all, _ := LoadFiles(repo); all != nil {
		if _, err := all.Canary("podinfo/podinfo"); err == nil || !strings.Contains(err.Error(), "give the folder of one of them") {
			t.Errorf("picking a Canary among two overlays: %v, want a refusal naming them", err)
		}
	}
}

// fluxClone is a copy of the Flux fixture repository with a .git folder,
// as a clone has: an overlay named alone then reads its bases above it,
// wherever rehearse is checked out (a source tarball has no .git around
// the fixture, and the loader takes the folder named as the repository).
func fluxClone(t *testing.T) string {
	t.Helper()
	dir := copyFlux(t, "", "", "")
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyFlux copies the Flux fixture repository, replacing old by new
// (exactly once) in the file at rel.
func copyFlux(t *testing.T, rel, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(fluxRepo, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		r, _ := filepath.Rel(fluxRepo, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if filepath.ToSlash(r) == rel {
			if strings.Count(string(data), old) != 1 {
				t.Fatalf("%s holds %q %d times, want once", rel, old, strings.Count(string(data), old))
			}
			data = []byte(strings.Replace(string(data), old, new, 1))
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(r)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, r), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRenderedErrorsPointAtSource: a mistake written in an overlay's patch
// is reported at the patch's line, one in the base at the base's.
func TestRenderedErrorsPointAtSource(t *testing.T) {
	cases := []struct {
		name, file, old, new string
		line                 int
		says                 string
	}{
		{"typo in a patch", "apps/overlays/prod/canary-analysis.yaml", "    threshold: 2", "    treshold: 2", 11, "unknown field"},
		{"bad value in a patch", "apps/overlays/prod/canary-analysis.yaml", "    interval: 30s", "    interval: 30 seconds", 10, "is not a duration"},
		{"bad value in a JSON patch", "apps/overlays/staging/success-rate.yaml", "  value: 95", "  value: 101\n- op: add\n  path: /spec/analysis/metrics/0/thresholdRange/max\n  value: 100", 4, "is above max"},
		{"bad value in the base", "apps/base/podinfo/canary.yaml", "    maxWeight: 50", "    maxWeight: 500", 19, "is not a weight"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyFlux(t, c.file, c.old, c.new)
			_, err := LoadFiles(dir)
			if err == nil {
				set, _ := LoadFiles(dir)
				for _, b := range set.Builds() {
					err = errors.Join(err, b.Validate())
				}
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			want := filepath.Join(dir, c.file)
			if e.File != want || e.Line != c.line || !strings.Contains(e.Error(), c.says) {
				t.Errorf("got %v, want %s:%d saying %q", err, c.file, c.line, c.says)
			}
		})
	}
}

// TestBuildErrorIsAnInputError: a patch kustomize cannot apply is an
// error at the kustomization's line that names the patch.
func TestBuildErrorIsAnInputError(t *testing.T) {
	dir := copyFlux(t, "apps/overlays/prod/kustomization.yaml", "/spec/analysis/metrics/1/thresholdRange/max", "/spec/analysis/metrics/7/thresholdRange/max")
	_, err := LoadFiles(dir)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *Error", err)
	}
	if e.File != filepath.Join(dir, "apps/overlays/prod/kustomization.yaml") || e.Line != 22 || !strings.Contains(e.Msg, "kustomize build") {
		t.Errorf("got %v, want apps/overlays/prod/kustomization.yaml:22 saying the build fails", err)
	}
}

// writeFiles writes files (path → content) under a new folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLoadFluxBootstrapLayout: the layout `flux bootstrap` writes, where
// the flux-system Kustomization renders its own cluster folder (which has
// no kustomization.yaml), which holds the Kustomization of the apps. Each
// folder is rendered once, each object read once, patches in the Flux
// Kustomization are placed at their own lines, and a Kustomization whose
// path is in another repository is a note.
func TestLoadFluxBootstrapLayout(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		".git/HEAD": "ref: refs/heads/main\n",
		"clusters/prod/flux-system/kustomization.yaml": "resources:\n  - gotk-sync.yaml\n",
		"clusters/prod/flux-system/gotk-sync.yaml":     "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  path: ./clusters/prod\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
		"clusters/prod/apps.yaml":                      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  path: ./apps\n  targetNamespace: shop\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  patches:\n    - target:\n        kind: ConfigMap\n      patch: |\n        - op: add\n          path: /data/size\n          value: large\n",
		"clusters/prod/other.yaml":                     "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: other\n  namespace: flux-system\nspec:\n  path: ./elsewhere\n  sourceRef:\n    kind: GitRepository\n    name: shared-config\n",
		"apps/settings.yaml":                           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n",
	})
	set, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Variants) != 0 || len(set.ConfigMaps) != 1 || len(set.Others) != 3 {
		t.Fatalf("%d variants, %d ConfigMaps, %d others; want one set with the ConfigMap and the three Kustomizations", len(set.Variants), len(set.ConfigMaps), len(set.Others))
	}
	cm := set.ConfigMaps[0]
	if cm.Namespace != "shop" || cm.Data["size"] != "large" {
		t.Errorf("ConfigMap %s/%s %v, want Flux's targetNamespace and patch applied", cm.Namespace, cm.Name, cm.Data)
	}
	file, line, _ := set.Place(Key("ConfigMap", "shop", "settings"), "data.size")
	if file != filepath.Join(dir, "clusters/prod/apps.yaml") || line != 18 {
		t.Errorf("data.size placed at %s:%d, want the Flux Kustomization's patch at clusters/prod/apps.yaml:18", file, line)
	}
	file, line, _ = set.Place(Key("ConfigMap", "shop", "settings"), "metadata.namespace")
	if file != filepath.Join(dir, "clusters/prod/apps.yaml") || line != 8 {
		t.Errorf("metadata.namespace placed at %s:%d, want spec.targetNamespace at clusters/prod/apps.yaml:8", file, line)
	}
	if len(set.Notes) != 1 || set.Notes[0].Subject != "Flux Kustomization flux-system/other" || !strings.Contains(set.Notes[0].Text, "not a folder of this repository") {
		t.Errorf("notes %+v, want the Kustomization of another repository named", set.Notes)
	}
}

// TestFolderWalkLeavesOtherToolsYAMLOut: a folder of a GitOps repository
// holds other tools' YAML beside the manifests (a helmfile, a kind cluster
// config); a folder walk leaves those out with a note, while a file the
// user names is read strictly.
func TestFolderWalkLeavesOtherToolsYAMLOut(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"helmfile.yaml": "repositories:\n  - name: podinfo\n    url: https://stefanprodan.github.io/podinfo\nreleases:\n  - name: podinfo\n    chart: podinfo/podinfo\n",
		"cluster.yaml":  "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n  - role: control-plane\n",
		"service.yaml":  "apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\n  namespace: test\nspec:\n  ports: [{port: 80}]\n",
		"broken.yml":    "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err := LoadFiles(dir)
	if err == nil || !strings.Contains(err.Error(), "broken.yml:1:1: metadata.name") {
		t.Fatalf("a broken Kubernetes object must still be refused at its line, got %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "broken.yml")); err != nil {
		t.Fatal(err)
	}
	set, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Services) != 1 || len(set.Notes) != 2 {
		t.Fatalf("services %d, notes %+v: want the Service, and a note for each of the two other files", len(set.Services), set.Notes)
	}
	for _, n := range set.Notes {
		if !strings.Contains(n.Text, "not a Kubernetes object") || n.Line != 1 {
			t.Errorf("note %+v does not say what was left out at its line", n)
		}
	}
	if _, err := LoadFiles(filepath.Join(dir, "helmfile.yaml")); err == nil || !strings.Contains(err.Error(), "apiVersion: missing") {
		t.Errorf("a file named on the command line is read strictly, got %v", err)
	}
}

// TestRemoteBaseLeavesOnlyItsBuildOut: a repository whose infrastructure
// kustomization fetches a remote base still has its apps rehearsed; the
// build that would fetch is named with a note, at its line.
func TestRemoteBaseLeavesOnlyItsBuildOut(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"infra/kustomization.yaml": "resources:\n  - https://github.com/example/flagger//kustomize/istio?ref=v1\n",
		"apps/kustomization.yaml":  "resources:\n  - service.yaml\n",
		"apps/service.yaml":        "apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\n  namespace: test\nspec:\n  ports: [{port: 80}]\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, err := LoadFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Services) != 1 {
		t.Errorf("the apps build was not loaded: %d services", len(set.Services))
	}
	if len(set.Notes) != 1 || !strings.Contains(set.Notes[0].Text, "is a remote base") || set.Notes[0].Line != 2 ||
		!strings.HasSuffix(set.Notes[0].File, filepath.Join("infra", "kustomization.yaml")) {
		t.Errorf("notes %+v, want the remote base named at infra/kustomization.yaml:2", set.Notes)
	}
}
