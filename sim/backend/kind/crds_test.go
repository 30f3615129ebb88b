// This file tests reading, applying and waiting for CRDs, on files, a fake
// client and an envtest API server.

package kind

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/rehearse-dev/rehearse/internal/envtest"
)

func crdNames(crds []*apiextensionsv1.CustomResourceDefinition) []string {
	var out []string
	for _, c := range crds {
		out = append(out, c.Name)
	}
	return out
}

// TestReadCRDsFixtures: the default folder holds the flagger.app CRDs and,
// in its gateway-api subfolder, the Gateway API ones.
func TestReadCRDsFixtures(t *testing.T) {
	crds, err := ReadCRDs(filepath.Join("..", "..", "..", "fixtures", "crds"))
	if err != nil {
		t.Fatal(err)
	}
	got := crdNames(crds)
	for _, want := range []string{"canaries.flagger.app", "metrictemplates.flagger.app", "alertproviders.flagger.app",
		"httproutes.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io"} {
		if !slices.Contains(got, want) {
			t.Errorf("CRDs %v lack %s", got, want)
		}
	}
}

func writeFile(t *testing.T, dir, name, body string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

const crdDoc = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: %[1]s.example.com
spec:
  group: example.com
  names: {kind: %[2]s, plural: %[1]s}
  scope: Namespaced
`

func crdYAML(plural, kind string) string {
	return fmt.Sprintf(crdDoc, plural, kind)
}

func TestReadCRDs(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		want    []string
		wantErr string
	}{
		{"several documents, other kinds skipped", map[string]string{
			"all.yaml": crdYAML("apples", "Apple") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n" + crdYAML("pears", "Pear"),
		}, []string{"apples.example.com", "pears.example.com"}, ""},
		{"subfolders, lexical order, non-manifests skipped", map[string]string{
			"b/pears.yml": crdYAML("pears", "Pear"), "a.yaml": crdYAML("apples", "Apple"), "README.md": "# not a manifest",
		}, []string{"apples.example.com", "pears.example.com"}, ""},
		{"nothing to install", map[string]string{"cm.yaml": "apiVersion: v1\nkind: ConfigMap\n"}, nil, "no CustomResourceDefinition found"},
		{"broken YAML", map[string]string{"bad.yaml": "kind: [\n"}, nil, "bad.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tt.files {
				writeFile(t, dir, name, body)
			}
			crds, err := ReadCRDs(dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(crdNames(crds), tt.want) {
				t.Errorf("ReadCRDs = %v, %v; want %v", crdNames(crds), err, tt.want)
			}
		})
	}
}

// TestApplyCRD: a first apply creates, a second replaces the spec.
func TestApplyCRD(t *testing.T) {
	s, err := NewScheme()
	if err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientBuilder().WithScheme(s).Build()
	dir := t.TempDir()
	writeFile(t, dir, "apples.yaml", crdYAML("apples", "Apple"))
	crds, err := ReadCRDs(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, scope := range []apiextensionsv1.ResourceScope{apiextensionsv1.NamespaceScoped, apiextensionsv1.ClusterScoped} {
		crds[0].Spec.Scope = scope
		if err := applyCRD(ctx, c, crds[0]); err != nil {
			t.Fatal(err)
		}
		var got apiextensionsv1.CustomResourceDefinition
		if err := c.Get(ctx, client.ObjectKey{Name: "apples.example.com"}, &got); err != nil || got.Spec.Scope != scope {
			t.Errorf("installed scope %q, %v; want %q", got.Spec.Scope, err, scope)
		}
	}
}

func TestEstablished(t *testing.T) {
	cond := func(t apiextensionsv1.CustomResourceDefinitionConditionType, s apiextensionsv1.ConditionStatus) *apiextensionsv1.CustomResourceDefinition {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		crd.Status.Conditions = []apiextensionsv1.CustomResourceDefinitionCondition{{Type: t, Status: s}}
		return crd
	}
	tests := []struct {
		name string
		crd  *apiextensionsv1.CustomResourceDefinition
		want bool
	}{
		{"established", cond(apiextensionsv1.Established, apiextensionsv1.ConditionTrue), true},
		{"not yet", cond(apiextensionsv1.Established, apiextensionsv1.ConditionFalse), false},
		{"names accepted only", cond(apiextensionsv1.NamesAccepted, apiextensionsv1.ConditionTrue), false},
		{"no conditions", &apiextensionsv1.CustomResourceDefinition{}, false},
	}
	for _, tt := range tests {
		if got := established(tt.crd); got != tt.want {
			t.Errorf("%s: established = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestInstallCRDsOnAPIServer runs the steps after kind's own (connect and
// install) against envtest's kube-apiserver, which already holds the
// flagger.app CRDs: those are updated, the Gateway API ones created, and
// all are served. It skips without the envtest binaries.
func TestInstallCRDsOnAPIServer(t *testing.T) {
	if _, err := envtest.ResolveAssets(""); err != nil {
		t.Skip(err.Error())
	}
	crds := filepath.Join("..", "..", "..", "fixtures", "crds")
	env, err := envtest.Start(context.Background(), envtest.Options{CRDDirs: []string{crds}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	c := &Cluster{Name: "envtest", Kubeconfig: env.Kubeconfig}
	ctx := context.Background()
	if err := c.connect(ctx, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := c.installCRDs(ctx, Options{CRDDirs: []string{crds}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"canaries.flagger.app", "httproutes.gateway.networking.k8s.io", "referencegrants.gateway.networking.k8s.io"} {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := c.Client.Get(ctx, client.ObjectKey{Name: name}, &crd); err != nil || !established(&crd) {
			t.Errorf("CRD %s: established %v, %v", name, established(&crd), err)
		}
	}
}
