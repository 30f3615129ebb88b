// Package atstart applies gctune's collector setting as the process starts:
// a command imports it for that alone. Go initialises the packages that are
// ready in import-path order, so this init runs before those of k8s.io/...
// and sigs.k8s.io/..., which allocate most of what start-up allocates; run
// from the command's own package, last, the setting came after them and
// `rehearse run` paid two early collections (GODEBUG=gctrace=1: four
// collections in the library run instead of two).
package atstart

import "github.com/rehearse-dev/rehearse/internal/gctune"

func init() { gctune.Apply() }
