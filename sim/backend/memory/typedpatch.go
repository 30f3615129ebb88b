// This file applies JSON merge patches to the typed object itself (the
// engine's scale, a release's new image, a promotion), converting only the
// members the patch replaces instead of the whole object.

package memory

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// mergeTyped returns a copy of old with a JSON merge patch applied, when
// every member of the patch names a field by its JSON name. A member that
// is an object merges into a struct (or a pointer to one) or a map; any
// other value replaces the field, null with its zero value (as a removed
// member decodes), a string, bool or number of the field's kind directly,
// and the rest (arrays, times, quantities) decoded by the unstructured
// converter for that field alone, exactly as it decodes the member within
// the whole object. ok is false for every other patch (unknown members,
// empty objects, objects for types that decode their own JSON, values the
// converter refuses), which takes the unstructured path.
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
	if p == nil {
		f.SetZero()
		return true
	}
	po, isObject := p.(map[string]any)
	switch {
	case !isObject:
		return setScalar(f, p) || decodeField(f, p)
	case len(po) == 0 || decodesItself(f.Type()):
		return false
	}
	switch f.Kind() {
	case reflect.Pointer:
		return mergePointer(f, po)
	case reflect.Struct:
		return mergeStruct(f, po)
	case reflect.Map:
		return mergeMap(f, po)
	}
	return false
}

// mergePointer merges into a new value, a copy of the one f points to.
func mergePointer(f reflect.Value, po map[string]any) bool {
	e := reflect.New(f.Type().Elem())
	if !f.IsNil() {
		e.Elem().Set(f.Elem())
	}
	if e.Elem().Kind() == reflect.Pointer || !mergeField(e.Elem(), po) {
		return false
	}
	f.Set(e)
	return true
}

// mergeMap merges an object into a new copy of a map keyed by strings:
// null removes a key, an object is left to the unstructured path, and any
// other value replaces the key's.
func mergeMap(f reflect.Value, po map[string]any) bool {
	t := f.Type()
	if t.Key().Kind() != reflect.String || decodesItself(t.Key()) {
		return false
	}
	m := reflect.MakeMapWithSize(t, f.Len()+len(po))
	for it := f.MapRange(); it.Next(); {
		m.SetMapIndex(it.Key(), it.Value())
	}
	for name, v := range po {
		key := reflect.ValueOf(name).Convert(t.Key())
		if v == nil {
			m.SetMapIndex(key, reflect.Value{})
			continue
		}
		e := reflect.New(t.Elem()).Elem()
		if _, isObject := v.(map[string]any); isObject || !(setScalar(e, v) || decodeField(e, v)) {
			return false
		}
		m.SetMapIndex(key, e)
	}
	f.Set(m)
	return true
}

// setScalar sets a plain string, bool or number field from the decoded
// patch (integers decode as int64, other numbers as float64), as the
// converter would; false leaves it to decodeField.
func setScalar(f reflect.Value, p any) bool {
	if decodesItself(f.Type()) {
		return false
	}
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

var wrappers sync.Map // reflect.Type → the one-field struct holding it

// decodeField sets f to p decoded by the unstructured converter, through a
// struct whose one member has f's type: the converter decodes a member by
// its type alone, so this is what it makes of the member in the whole
// object.
func decodeField(f reflect.Value, p any) bool {
	w, ok := wrappers.Load(f.Type())
	if !ok {
		w, _ = wrappers.LoadOrStore(f.Type(), reflect.StructOf([]reflect.StructField{
			{Name: "V", Type: f.Type(), Tag: `json:"v"`}}))
	}
	v := reflect.New(w.(reflect.Type))
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(map[string]any{"v": p}, v.Interface()); err != nil {
		return false
	}
	f.Set(v.Elem().Field(0))
	return true
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
