// This file finds the kustomization file of a folder and the repository root around a path, and
// says whether a path stays inside it, symlinks resolved.

package gitops

import (
	"os"
	"path/filepath"
	"strings"
)

// kustomizationNames are the file names kustomize recognises, in its order.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// KustomizationFile is the kustomization file of dir, or "" when it holds
// none. Two of them are an error, as they are to kustomize.
func KustomizationFile(dir string) (string, error) {
	var found []string
	for _, name := range kustomizationNames {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", errorAt(dir, 0, "holds %s: kustomize reads only one, so keep one", strings.Join(found, " and "))
}

// IsKustomizationName is true for a file name kustomize reads as a kustomization.
func IsKustomizationName(name string) bool {
	for _, n := range kustomizationNames {
		if name == n {
			return true
		}
	}
	return false
}

// RepoRoot is the repository that holds path: the nearest folder at or
// above it with a .git entry (a folder, or a file in a git worktree), or
// fallback (the folder the user named) when there is none.
func RepoRoot(path, fallback string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fallback
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return fallback
		}
	}
}

// whyRoot says why root is the repository, for an error about a file
// outside it: when no .git marks it, it is only the folder the user named,
// and the way out is naming the repository's root instead (a copy of a
// repository without its .git, say a CI artifact, has no marker to find).
func whyRoot(root string) string {
	if _, err := os.Lstat(filepath.Join(root, ".git")); err == nil {
		return ""
	}
	return " (no folder at or above it holds .git, so rehearse takes the folder you named as the repository: name the repository's root folder instead)"
}

// within is true when path is root or below it (both cleaned, absolute).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// realPath is path made absolute with its symlinks resolved, as far as it
// exists (a file kustomize only asks about may not).
func realPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	dir, base := filepath.Split(abs)
	if dir == abs || dir == "" {
		return abs
	}
	return filepath.Join(realPath(filepath.Clean(dir)), base)
}
