// This file makes the package's tests fail when one leaves a goroutine
// running (goleak): the scrape loop runs in the background.

package scrape

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
