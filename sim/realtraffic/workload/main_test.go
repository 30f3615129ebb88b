// This file makes the package's tests fail when one leaves a goroutine
// running (goleak): servers and their requests run in the background.

package workload

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
