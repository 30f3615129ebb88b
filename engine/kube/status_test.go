// This file tests the names the engine gives the events it records, and the status comparison that
// decides whether a tick writes the status.

package kube

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// TestEventName: an event's name is the canary's, the time in hex
// nanoseconds and the event's index, joined by dots, as the formatted
// numbers joined wrote it.
func TestEventName(t *testing.T) {
	for _, c := range []struct {
		canary string
		now    time.Time
		i      int
	}{
		{"podinfo", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"a-canary-with-a-name-longer-than-the-buffer-it-is-written-into-at-first", time.Date(2026, 1, 1, 0, 2, 30, 5, time.UTC), 12},
		{"", time.Unix(0, 0), 1},
		{"before-1970", time.Unix(-5, 0), 3},
	} {
		want := c.canary + "." + strconv.FormatInt(c.now.UnixNano(), 16) + "." + strconv.Itoa(c.i)
		if got := eventName(c.canary, c.now, c.i); got != want {
			t.Errorf("eventName(%q, %s, %d) = %q, want %q", c.canary, c.now, c.i, got, want)
		}
	}
}

// TestSameStatusIsSemantic holds sameStatus to equality.Semantic.DeepEqual,
// which WriteStatus asked before, on statuses that differ in each field in
// turn, and in the ways Semantic calls equal: a time in another zone or
// with a monotonic reading, an empty map or slice for a nil one. A field
// added to the status or a condition fails it until sameStatus compares it.
func TestSameStatusIsSemantic(t *testing.T) {
	if n := reflect.TypeFor[v1beta1.CanaryStatus]().NumField(); n != 12 {
		t.Fatalf("CanaryStatus has %d fields, sameStatus compares 12: compare the new one, then update this count", n)
	}
	if n := reflect.TypeFor[v1beta1.CanaryCondition]().NumField(); n != 6 {
		t.Fatalf("CanaryCondition has %d fields, sameCondition compares 6: compare the new one, then update this count", n)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	base := func() v1beta1.CanaryStatus {
		configs := map[string]string{"configmap/a": "1", "secret/b": "2"}
		return v1beta1.CanaryStatus{Phase: v1beta1.CanaryPhaseProgressing, FailedChecks: 1, CanaryWeight: 20, Iterations: 2,
			PreviousSessionAffinityCookie: "p", SessionAffinityCookie: "s", PrimarySessionAffinityCookie: "ps",
			TrackedConfigs: &configs, LastAppliedSpec: "rev-2", LastPromotedSpec: "rev-1", LastTransitionTime: metav1.NewTime(at),
			Conditions: []v1beta1.CanaryCondition{{Type: v1beta1.PromotedType, Status: corev1.ConditionUnknown,
				LastUpdateTime: metav1.NewTime(at), LastTransitionTime: metav1.NewTime(at), Reason: "Progressing", Message: "m"}}}
	}
	later := metav1.NewTime(at.Add(time.Second))
	changes := map[string]func(*v1beta1.CanaryStatus){
		"nothing":         func(*v1beta1.CanaryStatus) {},
		"phase":           func(s *v1beta1.CanaryStatus) { s.Phase = v1beta1.CanaryPhaseSucceeded },
		"failed checks":   func(s *v1beta1.CanaryStatus) { s.FailedChecks++ },
		"weight":          func(s *v1beta1.CanaryStatus) { s.CanaryWeight++ },
		"iterations":      func(s *v1beta1.CanaryStatus) { s.Iterations++ },
		"previous cookie": func(s *v1beta1.CanaryStatus) { s.PreviousSessionAffinityCookie = "" },
		"cookie":          func(s *v1beta1.CanaryStatus) { s.SessionAffinityCookie = "x" },
		"primary cookie":  func(s *v1beta1.CanaryStatus) { s.PrimarySessionAffinityCookie = "x" },
		"no configs":      func(s *v1beta1.CanaryStatus) { s.TrackedConfigs = nil },
		"nil configs map": func(s *v1beta1.CanaryStatus) { s.TrackedConfigs = new(map[string]string) },
		"config value":    func(s *v1beta1.CanaryStatus) { (*s.TrackedConfigs)["secret/b"] = "3" },
		"config added":    func(s *v1beta1.CanaryStatus) { (*s.TrackedConfigs)["secret/c"] = "2" },
		"config renamed": func(s *v1beta1.CanaryStatus) {
			delete(*s.TrackedConfigs, "secret/b")
			(*s.TrackedConfigs)["secret/c"] = "2"
		},
		"applied spec":          func(s *v1beta1.CanaryStatus) { s.LastAppliedSpec = "rev-3" },
		"promoted spec":         func(s *v1beta1.CanaryStatus) { s.LastPromotedSpec = "rev-2" },
		"transition time":       func(s *v1beta1.CanaryStatus) { s.LastTransitionTime = later },
		"transition time zone":  func(s *v1beta1.CanaryStatus) { s.LastTransitionTime = metav1.NewTime(at.In(time.FixedZone("x", 3600))) },
		"zero transition time":  func(s *v1beta1.CanaryStatus) { s.LastTransitionTime = metav1.Time{} },
		"no conditions":         func(s *v1beta1.CanaryStatus) { s.Conditions = nil },
		"condition added":       func(s *v1beta1.CanaryStatus) { s.Conditions = append(s.Conditions, s.Conditions[0]) },
		"condition type":        func(s *v1beta1.CanaryStatus) { s.Conditions[0].Type = "Other" },
		"condition status":      func(s *v1beta1.CanaryStatus) { s.Conditions[0].Status = corev1.ConditionTrue },
		"condition reason":      func(s *v1beta1.CanaryStatus) { s.Conditions[0].Reason = "Succeeded" },
		"condition message":     func(s *v1beta1.CanaryStatus) { s.Conditions[0].Message = "n" },
		"condition update time": func(s *v1beta1.CanaryStatus) { s.Conditions[0].LastUpdateTime = later },
		"condition transition":  func(s *v1beta1.CanaryStatus) { s.Conditions[0].LastTransitionTime = later },
		"condition time zone": func(s *v1beta1.CanaryStatus) {
			s.Conditions[0].LastUpdateTime = metav1.NewTime(at.In(time.FixedZone("y", -7200)))
		},
	}
	for name, change := range changes {
		a, b := base(), base()
		change(&b)
		empty := base()
		empty.Conditions, empty.TrackedConfigs = []v1beta1.CanaryCondition{}, &map[string]string{}
		for _, pair := range [][2]v1beta1.CanaryStatus{{a, b}, {b, a}, {empty, b}, {b, empty}, {{}, b}} {
			want := equality.Semantic.DeepEqual(&pair[0], &pair[1])
			if got := sameStatus(&pair[0], &pair[1]); got != want {
				t.Errorf("%s: sameStatus = %v, Semantic.DeepEqual = %v", name, got, want)
			}
		}
	}
	// A time with a monotonic reading (only time.Now has one) and the
	// same instant without it.
	a, b := base(), base()
	a.LastTransitionTime = metav1.NewTime(time.Now())
	b.LastTransitionTime = metav1.NewTime(a.LastTransitionTime.Round(0))
	if got, want := sameStatus(&a, &b), equality.Semantic.DeepEqual(&a, &b); got != want {
		t.Errorf("monotonic reading: sameStatus = %v, Semantic.DeepEqual = %v", got, want)
	}
}
