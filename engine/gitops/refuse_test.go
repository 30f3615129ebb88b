// This file tests what rendering refuses or places: remote and outside references, writes, a failing
// patch at its line, Flux's generated kustomization, and build-error line values.

package gitops

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// writeRepo writes files (path → content) under a new folder.
func writeRepo(t *testing.T, files map[string]string) string {
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

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"

// TestRenderRefuses: what would fetch, clone, run a program or read
// outside the repository is refused before kustomize runs, with the
// kustomization's file and line and what to do.
func TestRenderRefuses(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		dir   string
		line  int
		says  string
	}{
		{"remote base", map[string]string{"app/kustomization.yaml": "resources:\n  - cm.yaml\n  - https://github.com/example/app//base?ref=v1\n", "app/cm.yaml": configMap},
			"app", 3, "is a remote base"},
		{"git base", map[string]string{"app/kustomization.yaml": "resources:\n  - github.com/example/app/base?ref=v1\n"},
			"app", 2, "is a remote base"},
		{"helm chart", map[string]string{"app/kustomization.yaml": "helmCharts:\n  - name: nginx\n    repo: https://charts.example\n"},
			"app", 1, "run Helm"},
		{"base outside the repository", map[string]string{"repo/app/kustomization.yaml": "resources:\n  - ../../outside\n", "outside/kustomization.yaml": "resources:\n  - cm.yaml\n", "outside/cm.yaml": configMap},
			"repo/app", 2, "outside the repository"},
		{"remote patch file", map[string]string{"app/kustomization.yaml": "resources:\n  - cm.yaml\npatches:\n  - path: https://example.com/patch.yaml\n", "app/cm.yaml": configMap},
			"app", 4, "is a remote base"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeRepo(t, c.files)
			root := dir
			if strings.HasPrefix(c.dir, "repo/") {
				root = filepath.Join(dir, "repo")
			}
			_, err := Render(filepath.Join(dir, c.dir), Options{Root: root})
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if ge.File != filepath.Join(dir, c.dir, "kustomization.yaml") || ge.Line != c.line || !strings.Contains(ge.Msg, c.says) {
				t.Errorf("got %v, want %s/kustomization.yaml:%d saying %q", err, c.dir, c.line, c.says)
			}
		})
	}
}

// TestRenderNeverWrites: the file system kustomize gets refuses writes
// and anything outside the repository, symlinks included.
func TestRenderNeverWrites(t *testing.T) {
	dir := writeRepo(t, map[string]string{"repo/a.yaml": configMap, "secret.txt": "token"})
	if err := os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(dir, "repo", "link.txt")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	fsys := newRepoFS(filepath.Join(dir, "repo"), nil)
	if err := fsys.WriteFile(filepath.Join(dir, "repo", "b.yaml"), nil); !errors.Is(err, errWrite) {
		t.Errorf("WriteFile: %v, want refused", err)
	}
	if _, err := fsys.ReadFile(filepath.Join(dir, "repo", "link.txt")); err == nil {
		t.Error("a symlink out of the repository was read")
	}
	if _, err := fsys.ReadFile(filepath.Join(dir, "repo", "..", "secret.txt")); err == nil {
		t.Error("a file outside the repository was read")
	}
	if data, err := fsys.ReadFile(filepath.Join(dir, "repo", "a.yaml")); err != nil || string(data) != configMap {
		t.Errorf("a file of the repository: %q, %v", data, err)
	}
}

// TestBuildErrorNamesThePatch: a JSON patch whose path does not exist
// fails the build at the patch's own line.
func TestBuildErrorNamesThePatch(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"base/kustomization.yaml": "resources:\n  - cm.yaml\n",
		"base/cm.yaml":            configMap,
		"prod/kustomization.yaml": "resources:\n  - ../base\npatches:\n  - target:\n      kind: ConfigMap\n    patch: |-\n      - op: replace\n        path: /data/missing/key\n        value: x\n",
	})
	_, err := Render(filepath.Join(dir, "prod"), Options{Root: dir})
	var ge *Error
	if !errors.As(err, &ge) {
		t.Fatalf("got %v, want an *Error", err)
	}
	if ge.File != filepath.Join(dir, "prod", "kustomization.yaml") || ge.Line != 8 || !strings.Contains(ge.Msg, "/data/missing/key") {
		t.Errorf("got %v, want prod/kustomization.yaml:8 naming the path", err)
	}
}

// TestFluxGeneratesTheKustomization: a Flux Kustomization's folder without
// a kustomization.yaml is every YAML file below it, as Flux generates it.
func TestFluxGeneratesTheKustomization(t *testing.T) {
	dir := writeRepo(t, map[string]string{
		"apps/cm.yaml":                   configMap,
		"apps/more/other.yaml":           strings.Replace(configMap, "settings", "other", 1),
		"apps/app/kustomization.yaml":    "resources:\n  - cm.yaml\n",
		"apps/app/cm.yaml":               strings.Replace(configMap, "settings", "from-app", 1),
		"apps/app/not-listed/extra.yaml": strings.Replace(configMap, "settings", "extra", 1),
	})
	b, err := Render(filepath.Join(dir, "apps"), Options{Root: dir, Flux: &Flux{Ref: "flux-system/apps", TargetNamespace: "team"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range b.Objects {
		var m map[string]any
		if err := yaml.Unmarshal(o.YAML, &m); err != nil {
			t.Fatal(err)
		}
		names = append(names, at(m, "metadata", "namespace").(string)+"/"+at(m, "metadata", "name").(string))
	}
	if got, want := strings.Join(names, " "), "team/from-app team/settings team/other"; got != want {
		t.Errorf("rendered %s, want %s", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "apps", "kustomization.yaml")); err == nil {
		t.Error("a kustomization.yaml was written into the repository")
	}
}

// TestIsRemote: references kustomize would fetch, and ones it reads from disk.
func TestIsRemote(t *testing.T) {
	for ref, want := range map[string]bool{
		"../base": false, "deployment.yaml": false, "overlays/prod": false, "": false,
		"https://github.com/org/repo//base?ref=v1": true, "github.com/org/repo/base": true,
		"git@github.com:org/repo.git": true, "ssh://git@example.com/repo": true,
		"https://example.com/manifest.yaml": true, "example.com/org/repo.git//base": true,
	} {
		if got := isRemote(ref); got != want {
			t.Errorf("isRemote(%q) = %v, want %v", ref, got, want)
		}
	}
}

// TestLineValue: the value a YAML line writes, as build errors quote it.
func TestLineValue(t *testing.T) {
	for line, want := range map[string]string{
		"  - path: /spec/a/0": "/spec/a/0", "    value: 250": "250", "  - ../../base": "../../base",
		`name: "quoted"`: "quoted", "resources:": "resources:", "   ": "",
	} {
		if got := lineValue(line); got != want {
			t.Errorf("lineValue(%q) = %q, want %q", line, got, want)
		}
	}
}
