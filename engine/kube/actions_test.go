// This file tests the Services' target port: the Canary's own when it names one, else its port.

package kube

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// TestTargetPort holds targetPort to the rule it wrote with
// IntOrString.String: a target port whose text is "0" or empty is unset.
func TestTargetPort(t *testing.T) {
	for _, tp := range []intstr.IntOrString{
		{}, intstr.FromInt32(0), intstr.FromInt32(8080), intstr.FromInt32(9898), intstr.FromInt32(-1),
		intstr.FromString(""), intstr.FromString("0"), intstr.FromString("http"), intstr.FromString("00"),
	} {
		cd := &v1beta1.Canary{Spec: v1beta1.CanarySpec{Service: v1beta1.CanaryService{Port: 9000, TargetPort: tp}}}
		want := intstr.FromInt32(9000)
		if s := tp.String(); s != "0" && s != "" {
			want = tp
		}
		if got := targetPort(cd); got != want {
			t.Errorf("targetPort(%#v) = %#v, want %#v", tp, got, want)
		}
	}
}
