// This file suggests the field an unknown key was a typo of, by edit distance over the Go type's
// JSON fields, and exports Closest for other loaders.

package manifest

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// suggestField proposes the known field closest to the unknown last step,
// or lists the fields when there are few, so the user can fix the typo
// without opening the reference.
func suggestField(out reflect.Type, steps []step) string {
	if len(steps) == 0 {
		return ""
	}
	parent := typeAt(out, steps[:len(steps)-1])
	if parent == nil || parent.Kind() != reflect.Struct {
		return ""
	}
	names := jsonFieldNames(parent)
	if best := Closest(steps[len(steps)-1].key, names); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	if len(names) <= 12 {
		return "; known fields: " + strings.Join(names, ", ")
	}
	return ""
}

// typeAt follows steps through a Go type the way encoding/json would,
// returning nil when they leave the type.
func typeAt(t reflect.Type, steps []step) reflect.Type {
	t = indirect(t)
	for _, s := range steps {
		if t == nil {
			return nil
		}
		switch t.Kind() {
		case reflect.Struct:
			t = jsonFields(t)[s.key]
		case reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		default:
			return nil
		}
		t = indirect(t)
	}
	return t
}

func indirect(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// jsonFields maps each JSON name of a struct to its field type, including
// the fields promoted from embedded structs such as metav1.TypeMeta.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		addJSONField(fields, t.Field(i))
	}
	return fields
}

func addJSONField(fields map[string]reflect.Type, f reflect.StructField) {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	switch {
	case tag == "-" || (!f.IsExported() && !f.Anonymous):
	case name == "" && f.Anonymous && indirect(f.Type).Kind() == reflect.Struct:
		for n, t := range jsonFields(indirect(f.Type)) {
			fields[n] = t
		}
	case name == "":
		fields[f.Name] = f.Type
	default:
		fields[name] = f.Type
	}
}

func jsonFieldNames(t reflect.Type) []string {
	fields := jsonFields(t)
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Closest returns the candidate nearest to word by edit distance, ignoring
// case, when it is near enough to be a typo (at most a third of the word,
// and at least one edit allowed); "" otherwise. Ties go to the first
// candidate in the order given.
func Closest(word string, candidates []string) string {
	best, bestDist := "", maxTypo(word)+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(word), strings.ToLower(c)); d < bestDist && c != word {
			best, bestDist = c, d
		}
	}
	return best
}

func maxTypo(word string) int {
	return max(1, len(word)/3)
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours ("ngnix")
// each cost one.
func editDistance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			rows[i][j] = editStep(rows, a, b, i, j)
		}
	}
	return rows[len(a)][len(b)]
}

func editStep(rows [][]int, a, b string, i, j int) int {
	cost := 1
	if a[i-1] == b[j-1] {
		cost = 0
	}
	d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
	if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
		d = min(d, rows[i-2][j-2]+1)
	}
	return d
}
