// This file tests the names the kinds of measurement print as, unknown values included.

package metrics

import (
	"testing"
)

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindSuccessRate: "success-rate", KindUnusable: "unusable", 0: "unknown", 9: "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}
