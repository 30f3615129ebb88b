// This file applies JSON merge patches to the typed object itself, for the
// patches that only set plain fields (the engine's scale patch above all),
// sparing the unstructured round trip of the whole object.

package memory

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// mergeTyped returns a copy of old with a JSON merge patch applied, when
// every member of the patch names a field by its JSON name and ends in
// null (the field's zero value, as a removed member decodes), a string,
// bool or number for a field of that kind (or a pointer to one), an object
// for a struct, or an object of strings and nulls for a map of strings.
// Those are set exactly as decoding the patched document would set them.
// ok is false for every other patch (arrays, times, quantities, unknown
// members, empty objects...), which takes the unstructured path.
//
// The copy shares what the patch leaves alone with old (stored objects are
// never changed in place), and those fields stay as they were stored, as
// an Update keeps them: the unstructured path would pass them through
// their JSON form as well.
func mergeTyped(k *kind, old client.Object, patch map[string]any) (client.Object, bool) {
	next := reflect.New(k.typ)
	next.Elem().Set(reflect.ValueOf(old).Elem())
	if !mergeStruct(next.Elem(), patch) {
		return nil, false
	}
	return next.Interface().(client.Object), true
}

// mergeStruct merges patch into v, a struct the caller owns; the maps and
// pointers it reaches are replaced, never changed, since old shares them.
func mergeStruct(v reflect.Value, patch map[string]any) bool {
	fields := jsonFields(v.Type())
	for name, p := range patch {
		index, ok := fields[name]
		if !ok || !mergeField(v.FieldByIndex(index), p) {
			return false
		}
	}
	return true
}

func mergeField(f reflect.Value, p any) bool {
	if decodesItself(f.Type()) {
		return false
	}
	if p == nil {
		f.SetZero()
		return true
	}
	switch f.Kind() {
	case reflect.Pointer:
		return mergePointer(f, p)
	case reflect.Struct:
		po, ok := p.(map[string]any)
		return ok && len(po) > 0 && mergeStruct(f, po)
	case reflect.Map:
		return mergeMap(f, p)
	}
	return setScalar(f, p)
}

// mergePointer merges into a new value, a copy of the one f points to.
func mergePointer(f reflect.Value, p any) bool {
	e := reflect.New(f.Type().Elem())
	if !f.IsNil() {
		e.Elem().Set(f.Elem())
	}
	if e.Elem().Kind() == reflect.Pointer || !mergeField(e.Elem(), p) {
		return false
	}
	f.Set(e)
	return true
}

// mergeMap merges an object of strings and nulls into a new copy of a map
// of strings.
func mergeMap(f reflect.Value, p any) bool {
	t := f.Type()
	po, ok := p.(map[string]any)
	if !ok || len(po) == 0 || t.Key().Kind() != reflect.String || t.Elem().Kind() != reflect.String ||
		decodesItself(t.Key()) || decodesItself(t.Elem()) {
		return false
	}
	m := reflect.MakeMapWithSize(t, f.Len()+len(po))
	for it := f.MapRange(); it.Next(); {
		m.SetMapIndex(it.Key(), it.Value())
	}
	for name, v := range po {
		key := reflect.ValueOf(name).Convert(t.Key())
		switch s, isString := v.(string); {
		case v == nil:
			m.SetMapIndex(key, reflect.Value{})
		case isString:
			m.SetMapIndex(key, reflect.ValueOf(s).Convert(t.Elem()))
		default:
			return false
		}
	}
	f.Set(m)
	return true
}

// setScalar sets a string, bool or number field from the decoded patch
// (integers decode as int64, other numbers as float64); a number that does
// not fit the field is left to the unstructured path.
func setScalar(f reflect.Value, p any) bool {
	switch f.Kind() {
	case reflect.String:
		s, ok := p.(string)
		if ok {
			f.SetString(s)
		}
		return ok
	case reflect.Bool:
		b, ok := p.(bool)
		if ok {
			f.SetBool(b)
		}
		return ok
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := p.(int64)
		if ok && !f.OverflowInt(n) {
			f.SetInt(n)
			return true
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := p.(int64)
		if ok && n >= 0 && !f.OverflowUint(uint64(n)) {
			f.SetUint(uint64(n))
			return true
		}
	case reflect.Float32, reflect.Float64:
		switch n := p.(type) {
		case int64:
			f.SetFloat(float64(n))
			return true
		case float64:
			if !f.OverflowFloat(n) {
				f.SetFloat(n)
				return true
			}
		}
	}
	return false
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodesItself says a type decodes its own JSON (times, quantities,
// int-or-strings): only its decoder knows what a patch's value means.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || p.Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || p.Implements(textUnmarshaler)
}

var fieldsByType sync.Map // reflect.Type → map[string][]int

// jsonFields maps a struct's JSON member names to its fields, inline
// structs' members included; a name two fields claim maps to neither.
func jsonFields(t reflect.Type) map[string][]int {
	if m, ok := fieldsByType.Load(t); ok {
		return m.(map[string][]int)
	}
	m := map[string][]int{}
	claimed := map[string]bool{}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			index := append(append([]int{}, prefix...), i)
			switch {
			case !sf.IsExported() || name == "-":
			case name == "" && sf.Type.Kind() == reflect.Struct && (sf.Anonymous || strings.Contains(opts, "inline")):
				walk(sf.Type, index)
			case name == "":
			case claimed[name]:
				delete(m, name)
			default:
				claimed[name] = true
				m[name] = index
			}
		}
	}
	walk(t, nil)
	fieldsByType.Store(t, m)
	return m
}
