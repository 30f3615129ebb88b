// This file keeps the engine pure: it parses the package's files and fails on an import of a
// Kubernetes client, net, net/http or os/exec, or on any read of the clock.

package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEnginePurity enforces what makes Step a pure function: the decision
// package imports no Kubernetes client and no net/http, and never reads the
// clock. `make lint` runs it too.
func TestEnginePurity(t *testing.T) {
	forbidden := []string{"net/http", "k8s.io/client-go", "sigs.k8s.io/controller-runtime", "os/exec", "net"}
	clock := map[string]bool{"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true, "Tick": true, "NewTimer": true, "NewTicker": true}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, bad := range forbidden {
				if path == bad || strings.HasPrefix(path, bad+"/") {
					t.Errorf("%s imports %s: the decision core must stay free of I/O", name, path)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" && clock[sel.Sel.Name] {
				t.Errorf("%s: time.%s reads the clock; take the time as an argument", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if checked < 5 {
		t.Fatalf("checked only %d files: is the test in the engine folder?", checked)
	}
}
