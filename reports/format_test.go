// This file checks how a span of metric values is worded, and that the
// default provider is named as the API names it.

package reports

import (
	"math"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func TestValuesText(t *testing.T) {
	tests := []struct {
		values []*float64
		want   string
	}{
		{[]*float64{ptr(99.5)}, "99.5"},
		{[]*float64{ptr(99.5), ptr(99.1), ptr(99.8)}, "99.1–99.8"},
		{[]*float64{ptr(99.501), ptr(99.499)}, "99.5"},
		{[]*float64{nil, nil}, "no values"},
		{[]*float64{ptr(80), nil}, "80 or no values"},
		{[]*float64{ptr(math.Inf(1))}, "+Inf"},
	}
	for _, tc := range tests {
		if got := valuesText(tc.values); got != tc.want {
			t.Errorf("valuesText = %q; want %q", got, tc.want)
		}
	}
}

func TestDefaultProviderSourceMatchesTheAPI(t *testing.T) {
	if defaultProviderSource != v1beta1.ProviderFromDefault {
		t.Fatalf("reports words the default provider as %q, the API as %q", defaultProviderSource, v1beta1.ProviderFromDefault)
	}
}
