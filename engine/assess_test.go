// This file tests the pure pieces as tables: metric verdicts, check order, step and maximum
// weights, served routes and hook results.

package engine

import (
	"math"
	"slices"
	"testing"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func rng(min, max *float64) *v1beta1.CanaryThresholdRange {
	return &v1beta1.CanaryThresholdRange{Min: min, Max: max}
}

// TestAssess mirrors the comparisons in Flagger's runBuiltinMetricChecks and
// runMetricChecks: inclusive bounds, the deprecated threshold's meaning per
// metric kind, whole milliseconds for request-duration.
func TestAssess(t *testing.T) {
	cases := []struct {
		name   string
		metric v1beta1.CanaryMetric
		check  MetricCheck
		answer Answer
		pass   bool
	}{
		{"min boundary passes", v1beta1.CanaryMetric{Name: "request-success-rate", ThresholdRange: rng(ptr(99.0), nil)}, CheckSuccessRate, Answer{Value: 99}, true},
		{"below min fails", v1beta1.CanaryMetric{Name: "request-success-rate", ThresholdRange: rng(ptr(99.0), nil)}, CheckSuccessRate, Answer{Value: 98.99}, false},
		{"max boundary passes", v1beta1.CanaryMetric{Name: "request-duration", ThresholdRange: rng(nil, ptr(500.0))}, CheckDuration, Answer{Value: 500}, true},
		{"above max fails", v1beta1.CanaryMetric{Name: "request-duration", ThresholdRange: rng(nil, ptr(500.0))}, CheckDuration, Answer{Value: 501}, false},
		{"duration compares whole ms", v1beta1.CanaryMetric{Name: "request-duration", ThresholdRange: rng(nil, ptr(500.0))}, CheckDuration, Answer{Value: 500.9}, true},
		{"duration bound truncated", v1beta1.CanaryMetric{Name: "request-duration", ThresholdRange: rng(nil, ptr(499.9))}, CheckDuration, Answer{Value: 499.5}, true},
		{"duration min", v1beta1.CanaryMetric{Name: "request-duration", ThresholdRange: rng(ptr(10.0), nil)}, CheckDuration, Answer{Value: 9}, false},
		{"range both sides inside", v1beta1.CanaryMetric{Name: "q", Query: "x", ThresholdRange: rng(ptr(1.0), ptr(2.0))}, CheckQuery, Answer{Value: 1.5}, true},
		{"range both sides above", v1beta1.CanaryMetric{Name: "q", Query: "x", ThresholdRange: rng(ptr(1.0), ptr(2.0))}, CheckQuery, Answer{Value: 2.01}, false},
		{"deprecated threshold is a minimum for success rate", v1beta1.CanaryMetric{Name: "request-success-rate", Threshold: 99}, CheckSuccessRate, Answer{Value: 98}, false},
		{"deprecated threshold min boundary", v1beta1.CanaryMetric{Name: "request-success-rate", Threshold: 99}, CheckSuccessRate, Answer{Value: 99}, true},
		{"deprecated threshold is a maximum for duration", v1beta1.CanaryMetric{Name: "request-duration", Threshold: 500}, CheckDuration, Answer{Value: 501}, false},
		{"deprecated threshold is a maximum for queries", v1beta1.CanaryMetric{Name: "errors", Query: "x", Threshold: 5}, CheckQuery, Answer{Value: 6}, false},
		{"deprecated threshold max boundary for templates", v1beta1.CanaryMetric{Name: "errors", TemplateRef: &v1beta1.CrossNamespaceObjectReference{Name: "t"}, Threshold: 5}, CheckTemplate, Answer{Value: 5}, true},
		{"unset threshold on a query means max 0", v1beta1.CanaryMetric{Name: "errors", Query: "x"}, CheckQuery, Answer{Value: 0.1}, false},
		{"no values fails", v1beta1.CanaryMetric{Name: "request-success-rate", ThresholdRange: rng(ptr(99.0), nil)}, CheckSuccessRate, Answer{NoValues: true}, false},
		{"NaN is no values", v1beta1.CanaryMetric{Name: "request-success-rate", ThresholdRange: rng(ptr(0.0), nil)}, CheckSuccessRate, Answer{Value: math.NaN()}, false},
		{"provider error fails", v1beta1.CanaryMetric{Name: "request-success-rate", ThresholdRange: rng(ptr(0.0), nil)}, CheckSuccessRate, Answer{Err: "connection refused"}, false},
		{"unusable metric fails", v1beta1.CanaryMetric{Name: "typo-rate"}, CheckUnusable, Answer{}, false},
		{"no bounds at all on a template", v1beta1.CanaryMetric{Name: "t", TemplateRef: &v1beta1.CrossNamespaceObjectReference{Name: "t"}}, CheckTemplate, Answer{Value: 0}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Assess(c.metric, c.check, c.answer)
			if v.Passed != c.pass {
				t.Errorf("Assess = %+v, want passed=%v", v, c.pass)
			}
			if v.Reason == "" {
				t.Errorf("a verdict must say why")
			}
			// A tick judges without wording a pass: the same verdict, and
			// a failure's same reason.
			if j, _ := judge(c.metric, c.check, c.answer); j.Passed != v.Passed || (!v.Passed && j.Reason != v.Reason) {
				t.Errorf("judge = %+v, Assess = %+v", j, v)
			}
		})
	}
}

func TestMetricChecksOrder(t *testing.T) {
	tmpl := &v1beta1.CrossNamespaceObjectReference{Name: "t"}
	metrics := []v1beta1.CanaryMetric{
		{Name: "custom", TemplateRef: tmpl},
		{Name: "typo"},
		{Name: MetricDuration},
		{Name: "inline", Query: "up"},
		{Name: MetricSuccessRate},
	}
	got := MetricChecks(metrics)
	want := []PlannedCheck{{2, CheckDuration}, {3, CheckQuery}, {4, CheckSuccessRate}, {0, CheckTemplate}, {1, CheckUnusable}}
	if !slices.Equal(got, want) {
		t.Errorf("MetricChecks = %v, want %v", got, want)
	}
}

func TestNextStepWeight(t *testing.T) {
	cases := []struct {
		name    string
		a       v1beta1.CanaryAnalysis
		current int
		want    int
	}{
		{"stepWeight", v1beta1.CanaryAnalysis{StepWeight: 10}, 30, 10},
		{"no step at all", v1beta1.CanaryAnalysis{}, 0, 0},
		{"stepWeights first", v1beta1.CanaryAnalysis{StepWeights: []int{1, 5, 25}}, 0, 1},
		{"stepWeights next", v1beta1.CanaryAnalysis{StepWeights: []int{1, 5, 25}}, 5, 20},
		{"stepWeights off the list", v1beta1.CanaryAnalysis{StepWeights: []int{1, 5, 25}}, 7, 93},
		{"stepWeights at 100", v1beta1.CanaryAnalysis{StepWeights: []int{50, 100}}, 100, 1},
		{"stepWeights capped by room", v1beta1.CanaryAnalysis{StepWeights: []int{60, 120}}, 60, 40},
		{"stepWeight wins over stepWeights", v1beta1.CanaryAnalysis{StepWeight: 3, StepWeights: []int{50}}, 0, 3},
	}
	for _, c := range cases {
		if got := NextStepWeight(&c.a, c.current); got != c.want {
			t.Errorf("%s: NextStepWeight = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestMaxWeight(t *testing.T) {
	cases := []struct {
		a    v1beta1.CanaryAnalysis
		want int
	}{
		{v1beta1.CanaryAnalysis{}, 100},
		{v1beta1.CanaryAnalysis{MaxWeight: 50}, 50},
		{v1beta1.CanaryAnalysis{MaxWeight: 50, StepWeights: []int{10, 80}}, 80},
		{v1beta1.CanaryAnalysis{StepWeights: []int{10, 150}}, 100},
	}
	for _, c := range cases {
		if got := MaxWeight(&c.a); got != c.want {
			t.Errorf("MaxWeight(%+v) = %d, want %d", c.a, got, c.want)
		}
	}
}

func TestServedRoutes(t *testing.T) {
	cases := []struct {
		provider string
		in, want Routes
	}{
		// Flagger's no-op router says 100% canary while iterating; the apex
		// Service still selects the primary.
		{v1beta1.KubernetesProvider, Routes{Canary: 100}, Routes{Primary: 100}},
		{v1beta1.KubernetesProvider, Routes{Primary: 100}, Routes{Primary: 100}},
		{v1beta1.IstioProvider, Routes{Primary: 80, Canary: 20}, Routes{Primary: 80, Canary: 20}},
		{v1beta1.IstioProvider, Routes{Primary: 100, Mirrored: true}, Routes{Primary: 100, Mirrored: true}},
	}
	for _, c := range cases {
		if got := ServedRoutes(c.provider, c.in); got != c.want {
			t.Errorf("ServedRoutes(%s, %+v) = %+v, want %+v", c.provider, c.in, got, c.want)
		}
	}
}

func TestHookPassed(t *testing.T) {
	cases := []struct {
		a    Answer
		want bool
	}{
		{Answer{Status: 200}, true}, {Answer{Status: 202}, true}, {Answer{Status: 203}, false},
		{Answer{Status: 403}, false}, {Answer{Status: 500}, false}, {Answer{Err: "timeout"}, false},
		{Answer{Status: 200, Err: "body"}, false}, {Answer{}, false},
	}
	for _, c := range cases {
		if got := c.a.HookPassed(); got != c.want {
			t.Errorf("%+v.HookPassed() = %v, want %v", c.a, got, c.want)
		}
	}
}
