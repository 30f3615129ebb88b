package metrics

import (
	"slices"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func TestClassify(t *testing.T) {
	tpl := &v1beta1.CrossNamespaceObjectReference{Name: "t"}
	tests := []struct {
		name   string
		metric v1beta1.CanaryMetric
		want   []Kind
	}{
		{"success rate", v1beta1.CanaryMetric{Name: MetricSuccessRate}, []Kind{KindSuccessRate}},
		{"duration", v1beta1.CanaryMetric{Name: MetricDuration}, []Kind{KindDuration}},
		{"inline", v1beta1.CanaryMetric{Name: "x", Query: "up"}, []Kind{KindInlineQuery}},
		{"template", v1beta1.CanaryMetric{Name: "x", TemplateRef: tpl}, []Kind{KindTemplate}},
		{"unusable", v1beta1.CanaryMetric{Name: "x"}, []Kind{KindUnusable}},
		{"builtin name with a query runs both", v1beta1.CanaryMetric{Name: MetricDuration, Query: "up"},
			[]Kind{KindDuration, KindInlineQuery}},
		{"builtin name with a template runs both", v1beta1.CanaryMetric{Name: MetricSuccessRate, TemplateRef: tpl},
			[]Kind{KindSuccessRate, KindTemplate}},
		{"query and template", v1beta1.CanaryMetric{Name: "x", Query: "up", TemplateRef: tpl},
			[]Kind{KindInlineQuery, KindTemplate}},
		{"all three", v1beta1.CanaryMetric{Name: MetricSuccessRate, Query: "up", TemplateRef: tpl},
			[]Kind{KindSuccessRate, KindInlineQuery, KindTemplate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.metric); !slices.Equal(got, tt.want) {
				t.Fatalf("Classify() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindSuccessRate: "success-rate", KindUnusable: "unusable", 0: "unknown", 9: "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}
