// This file tests binary and asset discovery without a control plane, and that Start fails before
// starting anything when the binaries are missing.

package envtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeFiles creates each named file in dir with the given mode.
func writeFiles(t *testing.T, dir string, modes map[string]os.FileMode) {
	t.Helper()
	for name, mode := range modes {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/true\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCheckBinaries(t *testing.T) {
	tests := []struct {
		name        string
		files       map[string]os.FileMode
		wantMissing string // "" means no error
	}{
		{"empty folder", nil, "kube-apiserver, etcd"},
		{"etcd only", map[string]os.FileMode{"etcd": 0o755}, "kube-apiserver"},
		{"not executable", map[string]os.FileMode{"etcd": 0o755, "kube-apiserver": 0o644}, "kube-apiserver"},
		{"both, kubectl optional", map[string]os.FileMode{"etcd": 0o755, "kube-apiserver": 0o755}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			err := checkBinaries(dir, "test")
			if tt.wantMissing == "" {
				if err != nil {
					t.Fatalf("checkBinaries: %v", err)
				}
				return
			}
			assertNoBinaries(t, err, "no executable "+tt.wantMissing+" in "+dir, BuildCommand)
		})
	}
}

// assertNoBinaries checks that err wraps ErrNoBinaries and says each of want.
func assertNoBinaries(t *testing.T, err error, want ...string) {
	t.Helper()
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("error %v does not wrap ErrNoBinaries", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

func TestAssetsDir(t *testing.T) {
	tests := []struct {
		name, explicit, env, root string
		wantDir, wantOrigin       string
	}{
		{"option wins", "/opt/a", "/env/b", "/repo", "/opt/a", "Options.Assets"},
		{"env next", "", "/env/b", "/repo", "/env/b", AssetsEnv},
		{"repository default", "", "", "/repo", "/repo/.cache/envtest/bin", "the repository default, KUBEBUILDER_ASSETS unset"},
		{"nothing", "", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, origin := assetsDir(tt.explicit, tt.env, tt.root)
			if dir != tt.wantDir || origin != tt.wantOrigin {
				t.Errorf("assetsDir = (%q, %q), want (%q, %q)", dir, origin, tt.wantDir, tt.wantOrigin)
			}
		})
	}
}

func TestResolveAssetsFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(AssetsEnv, dir)
	_, err := ResolveAssets("")
	assertNoBinaries(t, err, dir, "from "+AssetsEnv, `"make envtest-bins"`)

	writeFiles(t, dir, map[string]os.FileMode{"etcd": 0o755, "kube-apiserver": 0o755})
	got, err := ResolveAssets("")
	if err != nil || got != dir {
		t.Fatalf("ResolveAssets = (%q, %v), want (%q, nil)", got, err, dir)
	}
}

// Start must fail before starting anything when the binaries are missing.
func TestStartWithoutBinaries(t *testing.T) {
	dir := t.TempDir()
	env, err := Start(context.Background(), Options{Assets: dir})
	if env != nil {
		t.Errorf("Start returned an Env with its error")
	}
	assertNoBinaries(t, err, dir, BuildCommand)
}

func TestResolveCRDDirs(t *testing.T) {
	root := repoRoot()
	if root == "" {
		t.Fatal("repoRoot found no repository from the test's working directory")
	}
	tests := []struct {
		name string
		dirs []string
		env  string
		want []string
	}{
		{"option wins", []string{"/a"}, "/b", []string{"/a"}},
		{"env list", nil, "/b" + string(filepath.ListSeparator) + "/c", []string{"/b", "/c"}},
		{"repository default", nil, "", []string{filepath.Join(root, "fixtures", "crds")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(CRDDirsEnv, tt.env)
			got, err := ResolveCRDDirs(tt.dirs)
			if err != nil || strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("ResolveCRDDirs = (%q, %v), want %q", got, err, tt.want)
			}
		})
	}
}

func TestAncestors(t *testing.T) {
	got := ancestors("/a/b/c")
	want := []string{"/a/b/c", "/a/b", "/a", "/"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("ancestors = %q, want %q", got, want)
	}
}

func TestStartTimeout(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		deadline time.Time // zero: no deadline
		want     time.Duration
	}{
		{"no deadline", time.Time{}, defaultStartTimeout},
		{"deadline ahead", now.Add(90 * time.Second), 90 * time.Second},
		{"deadline passed", now.Add(-time.Minute), time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if !tt.deadline.IsZero() {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, tt.deadline)
				defer cancel()
			}
			if got := startTimeout(ctx, now); got != tt.want {
				t.Errorf("startTimeout = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWriteKubeconfig(t *testing.T) {
	chosen := filepath.Join(t.TempDir(), "kept.kubeconfig")
	tests := []struct {
		name     string
		path     string
		wantTemp bool // the file lives in a folder Stop removes
	}{
		{"caller's path, kept", chosen, false},
		{"temporary", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Env{dir: runDir(t.TempDir())}
			if err := e.writeKubeconfig([]byte("apiVersion: v1\n"), tt.path); err != nil {
				t.Fatal(err)
			}
			inRunDir := filepath.Dir(e.Kubeconfig) == string(e.dir)
			if inRunDir != tt.wantTemp || (tt.path != "" && e.Kubeconfig != tt.path) {
				t.Errorf("Kubeconfig %q, run folder %q: want path %q, temporary %v", e.Kubeconfig, e.dir, tt.path, tt.wantTemp)
			}
			info, err := os.Stat(e.Kubeconfig)
			if err != nil {
				t.Fatalf("kubeconfig not written: %v", err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("kubeconfig mode %v, want 0600: it holds the admin's key", info.Mode().Perm())
			}
		})
	}
}
