// This file holds semanticEqual, the spec comparison of an update, to
// equality.Semantic.DeepEqual, over specs filled and changed at random.

package memory

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// TestSemanticEqualMatchesSemantic: for specs of the kinds a rehearsal
// stores, filled at random, and a copy of each either left alone, shallow
// or deep, or changed at one random place (a leaf, a nil made empty, a
// time moved to another zone, a quantity written another way, a NaN),
// semanticEqual answers as equality.Semantic.DeepEqual does.
func TestSemanticEqualMatchesSemantic(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 12))
	specs := []reflect.Type{reflect.TypeFor[appsv1.DeploymentSpec](), reflect.TypeFor[appsv1.DaemonSetSpec](),
		reflect.TypeFor[corev1.ServiceSpec](), reflect.TypeFor[v1beta1.CanarySpec](),
		reflect.TypeFor[autoscalingv2.HorizontalPodAutoscalerSpec]()}
	seen := map[bool]int{}
	for _, typ := range specs {
		for i := range 1500 {
			a := reflect.New(typ).Elem()
			fill(r, a, 0)
			b := reflect.New(typ).Elem()
			b.Set(a) // shallow: every slice, map and pointer shared
			if i%3 != 0 {
				b.Set(deepCopy(a))
			}
			if i%4 != 0 {
				mutate(r, b)
			}
			want := equality.Semantic.DeepEqual(a.Addr().Interface(), b.Addr().Interface())
			if got := semanticEqual(a, b); got != want {
				t.Fatalf("%s case %d: semanticEqual = %v, Semantic.DeepEqual = %v\na: %+v\nb: %+v", typ, i, got, want, a, b)
			}
			if !semanticEqual(a, a) {
				t.Fatalf("%s case %d: a spec differs from itself", typ, i)
			}
			seen[want]++
		}
	}
	if seen[true] < 1000 || seen[false] < 1000 {
		t.Errorf("equal and unequal pairs %v: too few of one kind to tell", seen)
	}
}

// TestSemanticEqualShortcuts: where the walk answers by identity or by
// emptiness, not value by value, so does semanticEqual: a NaN in a shared
// slice, or in one struct, equals itself, but not a NaN in a copy; nil
// and empty are alike.
func TestSemanticEqualShortcuts(t *testing.T) {
	nan := math.NaN()
	metrics := []v1beta1.CanaryMetric{{Name: "x", Threshold: nan}}
	a := v1beta1.CanarySpec{Analysis: &v1beta1.CanaryAnalysis{Metrics: metrics}}
	sharing := v1beta1.CanarySpec{Analysis: &v1beta1.CanaryAnalysis{Metrics: metrics}}
	copied := *a.DeepCopy()
	tests := []struct {
		name string
		a, b any
	}{
		{"a NaN in one slice", &a, &sharing},
		{"a NaN in a copy", &a, &copied},
		{"a NaN in one struct", &metrics[0], &metrics[0]},
		{"nil and empty containers", &v1beta1.CanaryAnalysis{Metrics: []v1beta1.CanaryMetric{}},
			&v1beta1.CanaryAnalysis{Metrics: nil}},
		{"nil and empty maps", &v1beta1.CanaryMetric{TemplateVariables: map[string]string{}}, &v1beta1.CanaryMetric{}},
	}
	for _, tt := range tests {
		want := equality.Semantic.DeepEqual(tt.a, tt.b)
		if got := semanticEqual(reflect.ValueOf(tt.a).Elem(), reflect.ValueOf(tt.b).Elem()); got != want {
			t.Errorf("%s: semanticEqual = %v, Semantic.DeepEqual = %v", tt.name, got, want)
		}
	}
}

func deepCopy(v reflect.Value) reflect.Value {
	return reflect.ValueOf(v.Addr().MethodByName("DeepCopy").Call(nil)[0].Interface()).Elem()
}

var (
	someStrings    = []string{"", "podinfo", "podinfo-primary", "app", "9898"}
	someQuantities = []string{"1", "1000m", "500Mi", "0"}
	someTimes      = []time.Time{{}, time.Unix(1700000000, 0).UTC(), time.Unix(1700000000, 0).In(time.FixedZone("x", 3600))}
)

// fill sets v, settable, to random values, shallower as depth grows.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Type() {
	case reflect.TypeFor[resource.Quantity]():
		v.Set(reflect.ValueOf(resource.MustParse(someQuantities[r.IntN(len(someQuantities))])))
		return
	case reflect.TypeFor[metav1.Time]():
		v.Set(reflect.ValueOf(metav1.NewTime(someTimes[r.IntN(len(someTimes))])))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(someStrings[r.IntN(len(someStrings))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(r.IntN(3)))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(r.IntN(3)))
	case reflect.Float32, reflect.Float64:
		v.SetFloat([]float64{0, 1.5, 99, math.NaN()}[r.IntN(4)])
	case reflect.Pointer:
		if depth < 9 && r.IntN(3) != 0 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(r, v.Elem(), depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fill(r, v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		fillSlice(r, v, depth)
	case reflect.Map:
		fillMap(r, v, depth)
	}
}

func fillSlice(r *rand.Rand, v reflect.Value, depth int) {
	if depth > 8 || r.IntN(4) == 0 {
		return // nil
	}
	n := r.IntN(3)
	v.Set(reflect.MakeSlice(v.Type(), n, n))
	for i := range n {
		fill(r, v.Index(i), depth+1)
	}
}

func fillMap(r *rand.Rand, v reflect.Value, depth int) {
	if depth > 8 || r.IntN(4) == 0 {
		return // nil
	}
	v.Set(reflect.MakeMap(v.Type()))
	for range r.IntN(3) {
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(r, k, depth+1)
		fill(r, e, depth+1)
		v.SetMapIndex(k, e)
	}
}

// mutate changes v at one place picked at random among those it has.
func mutate(r *rand.Rand, v reflect.Value) {
	var sites []func()
	collect(v, &sites)
	if len(sites) > 0 {
		sites[r.IntN(len(sites))]()
	}
}

// collect lists the changes v, settable, can take: at its leaves, and to
// the shape of its pointers, slices and maps (which it copies before
// changing, since a shallow copy shares them).
func collect(v reflect.Value, sites *[]func()) {
	switch v.Type() {
	case reflect.TypeFor[resource.Quantity]():
		*sites = append(*sites, func() { v.Set(reflect.ValueOf(resource.MustParse("1000m"))) })
		return
	case reflect.TypeFor[metav1.Time]():
		*sites = append(*sites,
			func() {
				v.Set(reflect.ValueOf(metav1.NewTime(v.Interface().(metav1.Time).In(time.FixedZone("y", -7200)))))
			},
			func() { v.Set(reflect.ValueOf(metav1.NewTime(v.Interface().(metav1.Time).Add(time.Second)))) })
		return
	}
	switch v.Kind() {
	case reflect.String:
		*sites = append(*sites, func() { v.SetString(v.String() + "x") })
	case reflect.Bool:
		*sites = append(*sites, func() { v.SetBool(!v.Bool()) })
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		*sites = append(*sites, func() { v.SetInt(v.Int() + 1) })
	case reflect.Float32, reflect.Float64:
		*sites = append(*sites, func() { v.SetFloat(math.NaN()) }, func() { v.SetFloat(v.Float() + 1) })
	case reflect.Pointer:
		collectPointer(v, sites)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				collect(v.Field(i), sites)
			}
		}
	case reflect.Slice:
		collectSlice(v, sites)
	case reflect.Map:
		collectMap(v, sites)
	}
}

func collectPointer(v reflect.Value, sites *[]func()) {
	if v.IsNil() {
		*sites = append(*sites, func() { v.Set(reflect.New(v.Type().Elem())) })
		return
	}
	*sites = append(*sites, func() { v.Set(reflect.Zero(v.Type())) })
	own := reflect.New(v.Type().Elem())
	own.Elem().Set(v.Elem())
	var inner []func()
	collect(own.Elem(), &inner)
	for _, f := range inner {
		*sites = append(*sites, func() { f(); v.Set(own) })
	}
}

func collectSlice(v reflect.Value, sites *[]func()) {
	switch {
	case v.IsNil():
		*sites = append(*sites, func() { v.Set(reflect.MakeSlice(v.Type(), 0, 0)) })
		return
	case v.Len() == 0:
		*sites = append(*sites, func() { v.Set(reflect.Zero(v.Type())) })
		return
	}
	*sites = append(*sites, func() { v.Set(v.Slice(0, v.Len()-1)) })
	own := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
	reflect.Copy(own, v)
	var inner []func()
	for i := range own.Len() {
		collect(own.Index(i), &inner)
	}
	for _, f := range inner {
		*sites = append(*sites, func() { f(); v.Set(own) })
	}
}

func collectMap(v reflect.Value, sites *[]func()) {
	switch {
	case v.IsNil():
		*sites = append(*sites, func() { v.Set(reflect.MakeMap(v.Type())) })
	case v.Len() == 0:
		*sites = append(*sites, func() { v.Set(reflect.Zero(v.Type())) })
	default:
		k := v.MapKeys()[0]
		*sites = append(*sites, func() {
			own := reflect.MakeMap(v.Type())
			for it := v.MapRange(); it.Next(); {
				own.SetMapIndex(it.Key(), it.Value())
			}
			own.SetMapIndex(k, reflect.Zero(v.Type().Elem()))
			v.Set(own)
		})
		if k.Kind() == reflect.String {
			*sites = append(*sites, func() { // the same value under another key
				own := reflect.MakeMap(v.Type())
				for it := v.MapRange(); it.Next(); {
					own.SetMapIndex(it.Key(), it.Value())
				}
				moved := reflect.New(k.Type()).Elem()
				moved.SetString(k.String() + "-moved")
				own.SetMapIndex(moved, own.MapIndex(k))
				own.SetMapIndex(k, reflect.Value{})
				v.Set(own)
			})
		}
	}
}
