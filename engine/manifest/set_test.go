// This file tests the Set: finding a Canary and a MetricTemplate by reference, Merge and
// duplicates, and LoadFiles walking folders in order and reporting every file.

package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const canaryDoc = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: %s
  namespace: %s
spec:
  targetRef: {kind: Deployment, name: app}
  service: {port: 80}
`

func canaries(t *testing.T, refs ...string) *Set {
	t.Helper()
	var docs []string
	for _, ref := range refs {
		ns, name, _ := strings.Cut(ref, "/")
		docs = append(docs, strings.ReplaceAll(strings.Replace(canaryDoc, "%s", name, 1), "%s", ns))
	}
	s, err := Parse("canaries.yaml", []byte(strings.Join(docs, "---\n")))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCanaryRef(t *testing.T) {
	cases := []struct {
		name    string
		set     []string
		ref     string
		want    string // namespace/name found
		wantErr string
	}{
		{"only one", []string{"test/podinfo"}, "", "test/podinfo", ""},
		{"by name", []string{"test/podinfo", "test/other"}, "other", "test/other", ""},
		{"by namespace and name", []string{"a/podinfo", "b/podinfo"}, "b/podinfo", "b/podinfo", ""},
		{"none", nil, "", "", "the manifests hold no Canary: add one"},
		{"several", []string{"test/a", "test/b"}, "", "", "the manifests hold 2 Canaries (test/a, test/b): say which one"},
		{"ambiguous", []string{"a/podinfo", "b/podinfo"}, "podinfo", "", `Canary "podinfo" is ambiguous (a/podinfo, b/podinfo): write namespace/name`},
		{"typo", []string{"test/podinfo"}, "podinf", "", `no Canary "podinf" in the manifests: fix the name or add the Canary; did you mean "podinfo"?`},
		{"wrong namespace", []string{"test/podinfo"}, "prod/podinfo", "", `did you mean "test/podinfo"?`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &Set{}
			if len(tc.set) > 0 {
				s = canaries(t, tc.set...)
			}
			c, err := s.Canary(tc.ref)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || c.Namespace+"/"+c.Name != tc.want {
				t.Fatalf("got %v, %v; want %s", c, err, tc.want)
			}
		})
	}
}

func TestMetricTemplateLookup(t *testing.T) {
	s := mustLoad(t, "testdata/valid-gatewayapi.yaml")
	if _, err := s.MetricTemplate("flagger-system", "latency"); err != nil {
		t.Errorf("exact lookup: %v", err)
	}
	if _, err := s.MetricTemplate("", "latency"); err != nil {
		t.Errorf("any namespace: %v", err)
	}
	if _, err := s.MetricTemplate("test", "latency"); err == nil {
		t.Error("a template in another namespace must not match")
	}
}

func TestMergeRefusesDuplicatesAndNamesBothPlaces(t *testing.T) {
	a := canaries(t, "test/podinfo", "test/other")
	b, err := Parse("b.yaml", []byte(strings.ReplaceAll(strings.Replace(canaryDoc, "%s", "podinfo", 1), "%s", "test")))
	if err != nil {
		t.Fatal(err)
	}
	err = a.Merge(b)
	if err == nil || err.Error() != "b.yaml:1: Canary/test/podinfo: defined twice (first at canaries.yaml:1): keep one" {
		t.Fatalf("err = %v", err)
	}
	if len(a.Canaries) != 2 {
		t.Errorf("the duplicate must not be added, got %d canaries", len(a.Canaries))
	}
}

func TestMergeAddsEverything(t *testing.T) {
	s := &Set{}
	for _, f := range []string{"testdata/valid-tracked-config.yaml", "testdata/valid-nginx.yaml"} {
		one := mustLoad(t, f)
		if err := s.Merge(one); err == nil {
			continue
		} else if !strings.Contains(err.Error(), "Canary/test/podinfo: defined twice") {
			t.Fatalf("unexpected merge error: %v", err)
		}
	}
	counts := []int{len(s.Canaries), len(s.Deployments), len(s.Services), len(s.ConfigMaps), len(s.Secrets), len(s.Others)}
	want := []int{1, 1, 1, 1, 1, 1}
	for i := range want {
		if counts[i] != want[i] {
			t.Fatalf("counts (canaries, deployments, services, configmaps, secrets, others) = %v, want %v", counts, want)
		}
	}
}

func TestLoadFilesWalksFoldersInOrder(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "b", "canary.yml"), strings.ReplaceAll(strings.Replace(canaryDoc, "%s", "b", 1), "%s", "test"))
	write(t, filepath.Join(dir, "a.yaml"), strings.ReplaceAll(strings.Replace(canaryDoc, "%s", "a", 1), "%s", "test"))
	write(t, filepath.Join(dir, "notes.txt"), "not yaml")
	write(t, filepath.Join(dir, ".git", "x.yaml"), "not: [valid")
	s, err := LoadFiles(dir, filepath.Join(dir, "a.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Canaries) != 2 || s.Canaries[0].Name != "a" || s.Canaries[1].Name != "b" {
		t.Errorf("want canaries a then b, got %d", len(s.Canaries))
	}
}

func TestLoadFilesReportsEveryFile(t *testing.T) {
	_, err := LoadFiles("testdata/invalid-unknown-field.yaml", "testdata/invalid-type-mismatch.yaml", "testdata/no-such-file.yaml")
	got := err.Error()
	for _, want := range []string{"invalid-unknown-field.yaml:15", "invalid-type-mismatch.yaml:16", "no-such-file.yaml: no such file or folder"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
