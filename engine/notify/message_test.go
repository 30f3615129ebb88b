// This file tests which severities an alert reaches and the fields a new message carries.

package notify

import (
	"reflect"
	"testing"

	"github.com/rehearse-dev/rehearse/engine"
	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

func TestReceives(t *testing.T) {
	info, warn, errs := v1beta1.SeverityInfo, v1beta1.SeverityWarn, v1beta1.SeverityError
	tests := []struct {
		want             v1beta1.AlertSeverity
		info, warn, errs bool
	}{
		{info, true, true, true},
		{warn, false, true, true},
		{errs, false, false, true},
		{"", false, false, false}, // Flagger's code, not its documentation
	}
	for _, tc := range tests {
		got := [3]bool{Receives(tc.want, info), Receives(tc.want, warn), Receives(tc.want, errs)}
		if got != [3]bool{tc.info, tc.warn, tc.errs} {
			t.Errorf("an alert of severity %q receives info/warn/error = %v, want %v", tc.want, got, [3]bool{tc.info, tc.warn, tc.errs})
		}
	}
}

func TestNewMessageFields(t *testing.T) {
	deadline := int32(120)
	canary := func(a v1beta1.CanaryAnalysis) *v1beta1.Canary {
		cd := &v1beta1.Canary{Spec: v1beta1.CanarySpec{TargetRef: v1beta1.LocalObjectReference{Kind: "Deployment", Name: "podinfo"},
			Analysis: &a}}
		cd.Name, cd.Namespace = "podinfo", "test"
		return cd
	}
	withDeadline := canary(v1beta1.CanaryAnalysis{Threshold: 5, StepWeight: 10, MaxWeight: 50})
	withDeadline.Spec.ProgressDeadlineSeconds = &deadline
	base := []Field{{"Target", "Deployment/podinfo.test"}, {"Failed checks threshold", "5"}, {"Progress deadline", "120s"}}
	tests := []struct {
		name    string
		cd      *v1beta1.Canary
		alert   engine.Alert
		cluster string
		want    []Field
	}{
		{"no metadata", withDeadline, engine.Alert{Message: "m"}, "", nil},
		{"cluster only", withDeadline, engine.Alert{Message: "m"}, "prod-eu", []Field{{"Cluster", "prod-eu"}}},
		{"step weight", withDeadline, engine.Alert{Message: "m", Metadata: true}, "",
			append(base, Field{"Traffic routing", "Weight step: 10 max: 50"})},
		{"step weights", canary(v1beta1.CanaryAnalysis{StepWeights: []int{1, 5, 25}}), engine.Alert{Metadata: true}, "",
			[]Field{{"Target", "Deployment/podinfo.test"}, {"Failed checks threshold", "1"}, {"Progress deadline", "600s"},
				{"Traffic routing", "Weight steps: 1,5,25 max: 0"}}},
		{"blue/green", canary(v1beta1.CanaryAnalysis{Iterations: 5}), engine.Alert{Metadata: true}, "",
			[]Field{{"Target", "Deployment/podinfo.test"}, {"Failed checks threshold", "1"}, {"Progress deadline", "600s"},
				{"Traffic routing", "Blue/Green"}}},
		{"A/B", canary(v1beta1.CanaryAnalysis{Iterations: 10, Match: []v1beta1.HTTPMatchRequest{{}}}), engine.Alert{Metadata: true}, "",
			[]Field{{"Target", "Deployment/podinfo.test"}, {"Failed checks threshold", "1"}, {"Progress deadline", "600s"},
				{"Traffic routing", "A/B Testing"}}},
		{"no step: no routing field", canary(v1beta1.CanaryAnalysis{}), engine.Alert{Metadata: true}, "",
			[]Field{{"Target", "Deployment/podinfo.test"}, {"Failed checks threshold", "1"}, {"Progress deadline", "600s"}}},
	}
	for _, tc := range tests {
		m := NewMessage(tc.cd, tc.alert, tc.cluster)
		if !reflect.DeepEqual(m.Fields, tc.want) {
			t.Errorf("%s: fields %q, want %q", tc.name, m.Fields, tc.want)
		}
	}
}
