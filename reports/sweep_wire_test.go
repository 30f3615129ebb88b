package reports

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"
)

// simSweepResult is the source of the type the sweep engine writes.
// sim imports reports, so reports cannot import it: the test reads the
// source instead, which also keeps this test independent of sim building.
const simSweepResult = "../sim/sweep/result.go"

// sweepMirrors pairs each sim/sweep type with its mirror here.
var sweepMirrors = map[string]reflect.Type{
	"Setting":     reflect.TypeFor[SweepSetting](),
	"Axis":        reflect.TypeFor[SweepAxis](),
	"Combination": reflect.TypeFor[SweepCombination](),
	"Sample":      reflect.TypeFor[SweepSample](),
	"Result":      reflect.TypeFor[SweepResult](),
}

// TestSweepTypesMirrorSimSweep holds every mirror to the same fields, Go
// types and JSON tags as sim/sweep's, so a sweep.json written from either
// decodes into the other.
func TestSweepTypesMirrorSimSweep(t *testing.T) {
	structs := parseStructs(t, simSweepResult)
	for name, mirror := range sweepMirrors {
		want, ok := structs[name]
		if !ok {
			t.Errorf("%s has no type %s any more: update reports/sweep_model.go", simSweepResult, name)
			continue
		}
		if got := mirrorFields(mirror); got != want {
			t.Errorf("%s differs from sim/sweep.%s (update reports/sweep_model.go):\n got: %s\nwant: %s", mirror.Name(), name, got, want)
		}
	}
}

// parseStructs lists each struct of a Go file as "Field type `tag`; ...",
// with sim/sweep's type names written as their mirrors' names.
func parseStructs(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatalf("read the sweep engine's result type: %v", err)
	}
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			if st, ok := ts.Type.(*ast.StructType); ok {
				out[ts.Name.Name] = structFields(st)
			}
		}
		return true
	})
	return out
}

func structFields(st *ast.StructType) string {
	var parts []string
	for _, field := range st.Fields.List {
		typ := mirrorTypeName(types(field.Type))
		for _, name := range field.Names {
			parts = append(parts, name.Name+" "+typ+" "+field.Tag.Value)
		}
	}
	return strings.Join(parts, "; ")
}

// types writes a field's type as Go source: []Setting, *float64, int64.
func types(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return "*" + types(e.X)
	case *ast.ArrayType:
		return "[]" + types(e.Elt)
	}
	return "?"
}

func mirrorTypeName(typ string) string {
	base := strings.TrimLeft(typ, "[]*")
	if m, ok := sweepMirrors[base]; ok {
		return strings.TrimSuffix(typ, base) + m.Name()
	}
	return typ
}

func mirrorFields(t reflect.Type) string {
	var parts []string
	for i := range t.NumField() {
		f := t.Field(i)
		parts = append(parts, f.Name+" "+strings.ReplaceAll(f.Type.String(), "reports.", "")+" `"+string(f.Tag)+"`")
	}
	return strings.Join(parts, "; ")
}
