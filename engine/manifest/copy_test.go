// This file tests Set.DeepCopy: an equal Set whose objects are its own.

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
