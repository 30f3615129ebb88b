// This file tests the names the engine gives the events it records.

package kube

import (
	"strconv"
	"testing"
	"time"
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
