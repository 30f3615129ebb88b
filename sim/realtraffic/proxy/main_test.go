// This file makes the package's tests fail when one leaves a goroutine
// running (goleak): the proxy serves and mirrors in the background.

package proxy

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
