// This file finds the envtest binaries and the repository's CRDs (options, environment variables,
// the repo root), and says ErrNoBinaries, an environment error, when they are missing.

package envtest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/rehearse-dev/rehearse/internal/exit"
)

// ErrNoBinaries means kube-apiserver or etcd is not where Start looked.
// Suites test for it with errors.Is and skip; the command line exits 3 on it.
var ErrNoBinaries = exit.Environment(errors.New("envtest binaries not found"))

// Environment variables Start reads when Options leaves a field empty.
const (
	AssetsEnv  = "KUBEBUILDER_ASSETS"
	CRDDirsEnv = "REHEARSE_CRD_DIRS" // a list, separated like $PATH
)

// BuildCommand is what a user runs, at the repository root, to get the binaries.
const BuildCommand = "make envtest-bins"

// requiredBinaries are the processes envtest starts; kubectl is optional.
var requiredBinaries = []string{"kube-apiserver", "etcd"}

// repoMarker is a file only this repository's root holds.
var repoMarker = filepath.Join("fixtures", "crds", "flagger.app_canaries.yaml")

// ResolveAssets returns the folder holding kube-apiserver and etcd: dir, else
// $KUBEBUILDER_ASSETS, else the repository's .cache/envtest/bin. The error
// wraps ErrNoBinaries and names the folder and the command to build them.
func ResolveAssets(dir string) (string, error) {
	dir, origin := assetsDir(dir, os.Getenv(AssetsEnv), repoRoot())
	if dir == "" {
		return "", fmt.Errorf("%w: %s is not set and the repository root was not found; "+
			"run %q at the repository root and set %s to its .cache/envtest/bin",
			ErrNoBinaries, AssetsEnv, BuildCommand, AssetsEnv)
	}
	return dir, checkBinaries(dir, origin)
}

// assetsDir picks the folder to look in and says where the choice came from.
func assetsDir(explicit, fromEnv, root string) (dir, origin string) {
	switch {
	case explicit != "":
		return absolute(explicit), "Options.Assets"
	case fromEnv != "":
		return absolute(fromEnv), AssetsEnv
	case root != "":
		return filepath.Join(root, ".cache", "envtest", "bin"), "the repository default, " + AssetsEnv + " unset"
	}
	return "", ""
}

// checkBinaries names every required binary that dir lacks.
func checkBinaries(dir, origin string) error {
	var missing []string
	for _, name := range requiredBinaries {
		if !isExecutable(filepath.Join(dir, name)) {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%w: no executable %s in %s (from %s); build them with %q at the repository root",
		ErrNoBinaries, strings.Join(missing, ", "), dir, origin, BuildCommand)
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0
}

// ResolveCRDDirs returns dirs, else $REHEARSE_CRD_DIRS, else the
// repository's fixtures/crds.
func ResolveCRDDirs(dirs []string) ([]string, error) {
	if len(dirs) > 0 {
		return dirs, nil
	}
	if list := os.Getenv(CRDDirsEnv); list != "" {
		return filepath.SplitList(list), nil
	}
	if root := repoRoot(); root != "" {
		return []string{filepath.Join(root, "fixtures", "crds")}, nil
	}
	return nil, fmt.Errorf("no CRD folder: the repository root was not found; "+
		"set Options.CRDDirs or %s to the folder holding the flagger.app CRDs", CRDDirsEnv)
}

// repoRoot finds the repository from this source file (gone under
// -trimpath) or from the working directory and its parents (go test runs in
// the package folder). It returns "" when neither leads to it.
func repoRoot() string {
	for _, dir := range rootCandidates() {
		if _, err := os.Stat(filepath.Join(dir, repoMarker)); err == nil {
			return dir
		}
	}
	return ""
}

func rootCandidates() []string {
	var dirs []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dirs = append(dirs, filepath.Join(filepath.Dir(file), "..", ".."))
	}
	if wd, err := os.Getwd(); err == nil {
		dirs = append(dirs, ancestors(wd)...)
	}
	return dirs
}

// ancestors returns dir and each of its parents up to the filesystem root.
func ancestors(dir string) []string {
	dirs := []string{dir}
	for parent := filepath.Dir(dir); parent != dir; parent = filepath.Dir(dir) {
		dir = parent
		dirs = append(dirs, dir)
	}
	return dirs
}

func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}
