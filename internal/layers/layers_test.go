// This file tests the layering rules: the pure check on small graphs, and the
// project's real import graph as `go list` reports it.
package layers

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

func TestViolations(t *testing.T) {
	tests := []struct {
		name string
		pkgs []Package
		want []string
	}{
		{"engine clean", []Package{{Path: "engine/runner", Reaches: []string{"engine", "engine/metrics"}}}, nil},
		{"engine reaches sim", []Package{{Path: "engine/runner", Reaches: []string{"sim/prom"}}},
			[]string{"engine/runner imports sim/prom (engine must not reach sim)"}},
		{"prefix is not a folder", []Package{{Path: "engine", Reaches: []string{"simulator", "reportsx"}}}, nil},
		{"scenarios reaches reports", []Package{{Path: "scenarios", Reaches: []string{"reports"}}},
			[]string{"scenarios imports reports (scenarios must not reach reports)"}},
		{"reports reaches sim", []Package{{Path: "reports", Reaches: []string{"sim"}}},
			[]string{"reports imports sim (reports must not reach sim)"}},
		{"sim may reach reports", []Package{{Path: "sim/sweep", Reaches: []string{"reports", "scenarios"}}}, nil},
		{"sim reaches cmd", []Package{{Path: "sim", Reaches: []string{"cmd/rehearse"}}},
			[]string{"sim imports cmd/rehearse (sim must not reach cmd)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Violations(tt.pkgs, Rules); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Violations = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLayers reads the whole module's graph: each package's transitive
// dependencies and the imports of its tests (a test that imports up a layer
// ties the layers together as firmly as the code does).
func TestLayers(t *testing.T) {
	pkgs, err := goList()
	if err != nil {
		t.Fatalf("reading the import graph: %v", err)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list returned %d packages; expected the whole module", len(pkgs))
	}
	for _, v := range Violations(pkgs, Rules) {
		t.Error(v)
	}
}

type listed struct {
	ImportPath   string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

func goList() ([]Package, error) {
	cmd := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps,TestImports,XTestImports", Module+"/...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, errors.New(string(ee.Stderr))
		}
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []Package
	for {
		var l listed
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			return pkgs, nil
		} else if err != nil {
			return nil, err
		}
		pkgs = append(pkgs, Package{Path: local(l.ImportPath), Reaches: locals(l.Deps, l.TestImports, l.XTestImports)})
	}
}

// locals keeps the module's own paths, relative to Module.
func locals(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, p := range l {
			if strings.HasPrefix(p, Module+"/") {
				out = append(out, local(p))
			}
		}
	}
	return out
}

func local(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, Module), "/") }
