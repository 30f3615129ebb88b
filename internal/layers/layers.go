// This file holds the layering rules and the pure check that applies them to
// a package graph; the test feeds it what `go list` reports.

package layers

import (
	"fmt"
	"sort"
	"strings"
)

// Module is the import path every rule is relative to.
const Module = "github.com/rehearse-dev/rehearse"

// Rule says that no package under Layer may import anything under Forbidden.
type Rule struct {
	Layer     string
	Forbidden []string
}

// Rules are the project's layers, lowest first. A lower layer must never
// reach a higher one, or the engine could no longer be read (or vendored)
// without the harness around it.
var Rules = []Rule{
	{Layer: "engine", Forbidden: []string{"sim", "scenarios", "reports", "cmd"}},
	{Layer: "scenarios", Forbidden: []string{"sim", "reports", "cmd"}},
	{Layer: "reports", Forbidden: []string{"sim", "cmd"}},
	{Layer: "sim", Forbidden: []string{"cmd"}},
}

// Package is one package of the graph: its path relative to Module and every
// path it reaches (its dependencies and its tests' imports).
type Package struct {
	Path    string
	Reaches []string
}

// Violations lists, sorted, every import that breaks a rule, worded as
// "engine/x imports sim/y (engine must not reach sim)".
func Violations(pkgs []Package, rules []Rule) []string {
	var out []string
	for _, p := range pkgs {
		for _, r := range rules {
			if !under(p.Path, r.Layer) {
				continue
			}
			out = append(out, broken(p, r)...)
		}
	}
	sort.Strings(out)
	return out
}

func broken(p Package, r Rule) []string {
	var out []string
	for _, dep := range p.Reaches {
		for _, f := range r.Forbidden {
			if under(dep, f) {
				out = append(out, fmt.Sprintf("%s imports %s (%s must not reach %s)", p.Path, dep, r.Layer, f))
			}
		}
	}
	return out
}

// under reports whether path is dir or inside it.
func under(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+"/")
}
