// This file tests Set.DeepCopy: an equal Set whose objects are its own,
// and one that copies every field, including any added later.

package manifest

import (
	"reflect"
	"testing"
)

func TestDeepCopy(t *testing.T) {
	s, err := LoadFiles("../../fixtures/podinfo/canary-custom-metric.yaml", "../../fixtures/podinfo/deployment.yaml", "../../fixtures/podinfo/service.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Canaries) == 0 || len(s.Deployments) == 0 || len(s.MetricTemplates) == 0 || len(s.Services) == 0 {
		t.Fatalf("the fixture should hold Canaries, Deployments, MetricTemplates and Services: %d %d %d %d",
			len(s.Canaries), len(s.Deployments), len(s.MetricTemplates), len(s.Services))
	}
	c := s.DeepCopy()
	if !reflect.DeepEqual(c, s) {
		t.Fatal("the copy differs from the set")
	}
	c.Canaries[0].Spec.Service.Port = 1234
	c.Deployments[0].Labels = map[string]string{"changed": "yes"}
	c.MetricTemplates[0].Spec.Query = "changed"
	c.Services[0].Name = "changed"
	if s.Canaries[0].Spec.Service.Port == 1234 || s.Deployments[0].Labels["changed"] == "yes" ||
		s.MetricTemplates[0].Spec.Query == "changed" || s.Services[0].Name == "changed" {
		t.Error("changing the copy's objects changed the set's")
	}
	if (*Set)(nil).DeepCopy() != nil {
		t.Error("a nil set's copy is not nil")
	}
}

// TestDeepCopyCopiesEveryField sets every field of a Set and expects each
// set in the copy: a field added to Set but not to DeepCopy fails here.
func TestDeepCopyCopiesEveryField(t *testing.T) {
	s := &Set{docs: map[string]*Doc{"Kind/ns/name": nil}}
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		if !f.CanSet() {
			continue // unexported: set above
		}
		switch f.Kind() {
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			if e := f.Type().Elem(); e.Kind() == reflect.Pointer {
				f.Index(0).Set(reflect.New(e.Elem()))
			}
		case reflect.Map:
			f.Set(reflect.MakeMap(f.Type()))
			f.SetMapIndex(reflect.ValueOf("k").Convert(f.Type().Key()), reflect.Zero(f.Type().Elem()))
		case reflect.String:
			f.SetString("x")
		case reflect.Int:
			f.SetInt(1)
		default:
			t.Fatalf("Set.%s is a %s: teach this test to set it", name, f.Kind())
		}
	}
	c := reflect.ValueOf(s.DeepCopy()).Elem()
	for i := range c.NumField() {
		if c.Field(i).IsZero() {
			t.Errorf("DeepCopy leaves Set.%s out", c.Type().Field(i).Name)
		}
	}
}
