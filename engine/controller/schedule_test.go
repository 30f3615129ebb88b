// This file tests the schedule's waits: before and at the due time, for a new object under the same
// name, and for a Canary never scheduled or forgotten.

package controller

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

func TestScheduleWait(t *testing.T) {
	key := types.NamespacedName{Namespace: "test", Name: "podinfo"}
	due := epoch.Add(time.Minute)
	tests := []struct {
		name string
		uid  types.UID
		now  time.Time
		want time.Duration
	}{
		{"before due", "a", epoch, time.Minute},
		{"just before due", "a", due.Add(-time.Nanosecond), time.Nanosecond},
		{"at due", "a", due, 0},
		{"after due", "a", due.Add(time.Second), 0},
		{"another object, same name", "b", epoch, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s schedule
			s.next(key, "a", due)
			if got := s.wait(key, tt.uid, tt.now); got != tt.want {
				t.Errorf("wait = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScheduleUnknownAndForgotten(t *testing.T) {
	var s schedule
	key := types.NamespacedName{Namespace: "test", Name: "podinfo"}
	if got := s.wait(key, "a", epoch); got != 0 {
		t.Errorf("an unscheduled Canary waits %v, want 0", got)
	}
	s.next(key, "a", epoch.Add(time.Minute))
	s.forget(key)
	if got := s.wait(key, "a", epoch); got != 0 {
		t.Errorf("a forgotten Canary waits %v, want 0", got)
	}
}
