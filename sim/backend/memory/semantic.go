// This file compares two specs as equality.Semantic.DeepEqual does, for
// the generation of an update, without the allocations of its walk.

package memory

import (
	"reflect"

	"k8s.io/apimachinery/pkg/api/equality"
)

// semanticEqual is equality.Semantic.DeepEqual of two values of one type
// (TestSemanticEqualMatchesSemantic). That walk boxes every string and
// number it compares into an interface and records every struct, slice
// and map it enters in a map, which was most of what a release's update of
// a Deployment allocated; this one reads leaves in place. It keeps the
// walk's answers where they are not plain equality: the Semantic
// functions (quantities, times, selectors) decide their types, a value
// at one address, or a slice or map with one backing, is equal to itself
// (a NaN too), a nil slice or map equals an empty one, and the rest
// (channels, complex numbers, maps with keys that may not equal
// themselves) is left to the walk itself. The walk's record of visited pairs only stops
// cycles, which API objects never have.
func semanticEqual(a, b reflect.Value) bool {
	if _, special := equality.Semantic.Equalities[a.Type()]; special {
		return equality.Semantic.DeepEqual(a.Interface(), b.Interface())
	}
	switch a.Kind() {
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	case reflect.Pointer:
		return samePointee(a, b)
	case reflect.Struct, reflect.Array:
		return sameAddress(a, b) || sameFields(a, b)
	case reflect.Slice:
		return sameAddress(a, b) || sameSlice(a, b)
	case reflect.Map:
		return sameAddress(a, b) || sameMap(a, b)
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return a.Elem().Type() == b.Elem().Type() && semanticEqual(a.Elem(), b.Elem())
	case reflect.Func:
		return a.IsNil() && b.IsNil()
	}
	return equality.Semantic.DeepEqual(a.Interface(), b.Interface())
}

// sameAddress is the walk's first answer for a struct, an array, a slice
// or a map: equal when both are the same value in memory.
func sameAddress(a, b reflect.Value) bool {
	return a.CanAddr() && b.CanAddr() && a.UnsafeAddr() == b.UnsafeAddr()
}

// samePointee: nil equals only nil; else what they point to is compared.
func samePointee(a, b reflect.Value) bool {
	if a.IsNil() || b.IsNil() {
		return a.IsNil() == b.IsNil()
	}
	return semanticEqual(a.Elem(), b.Elem())
}

// sameFields compares a struct field by field, an array item by item.
func sameFields(a, b reflect.Value) bool {
	if a.Kind() == reflect.Array {
		for i := range a.Len() {
			if !semanticEqual(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	}
	for i := range a.NumField() {
		if !semanticEqual(a.Field(i), b.Field(i)) {
			return false
		}
	}
	return true
}

// sameSlice: an empty slice, nil or not, equals only an empty one, and
// two of one backing and length are equal; else item by item.
func sameSlice(a, b reflect.Value) bool {
	switch {
	case a.Len() == 0 || b.Len() == 0:
		return a.Len() == b.Len()
	case a.Len() != b.Len():
		return false
	case a.Pointer() == b.Pointer():
		return true
	}
	for i := range a.Len() {
		if !semanticEqual(a.Index(i), b.Index(i)) {
			return false
		}
	}
	return true
}

// sameMap: an empty map, nil or not, equals only an empty one, and a map
// equals itself; else entry by entry, a key missing from b making them
// differ.
func sameMap(a, b reflect.Value) bool {
	switch {
	case a.Len() == 0 || b.Len() == 0:
		return a.Len() == b.Len()
	case a.Len() != b.Len():
		return false
	case a.Pointer() == b.Pointer():
		return true
	case !plainKey(a.Type().Key().Kind()):
		return equality.Semantic.DeepEqual(a.Interface(), b.Interface())
	case a.Type() == stringMap && a.CanInterface():
		return sameStrings(a.Interface().(map[string]string), b.Interface().(map[string]string))
	}
	for it := a.MapRange(); it.Next(); {
		bv := b.MapIndex(it.Key())
		if !bv.IsValid() || !semanticEqual(it.Value(), bv) {
			return false
		}
	}
	return true
}

// plainKey: a key of this kind equals itself, so it finds its entry in
// both maps (a NaN key finds none, in either, which the walk counts as
// equal entries).
func plainKey(k reflect.Kind) bool {
	switch k {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// stringMap is the type of labels, annotations and selectors, the maps a
// spec holds most: compared without reflection, whose map iteration
// boxes every key and value it reads.
var stringMap = reflect.TypeFor[map[string]string]()

// sameStrings: every key of a is in b with the same value (the caller has
// made sure they have as many).
func sameStrings(a, b map[string]string) bool {
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
