// This file tests that Reserve moves the limit LimitMemory set, and only that one.

package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// withLimit runs fn with the runtime's limit at Limit, set by LimitMemory
// (applied) or not, and restores both after.
func withLimit(t *testing.T, applied bool, fn func()) {
	t.Helper()
	before := debug.SetMemoryLimit(-1)
	mu.Lock()
	was := limited
	limited = applied
	mu.Unlock()
	debug.SetMemoryLimit(Limit)
	defer func() {
		debug.SetMemoryLimit(before)
		mu.Lock()
		limited = was
		mu.Unlock()
	}()
	fn()
}

func TestReserveRaisesTheLimitUntilReleased(t *testing.T) {
	withLimit(t, true, func() {
		release := Reserve(10 << 20)
		if got := debug.SetMemoryLimit(-1); got != Limit+10<<20 {
			t.Fatalf("limit while reserved = %d, want %d", got, Limit+10<<20)
		}
		release()
		if got := debug.SetMemoryLimit(-1); got != Limit {
			t.Fatalf("limit after release = %d, want %d", got, Limit)
		}
	})
}

func TestReserveLeavesALimitItDidNotSet(t *testing.T) {
	withLimit(t, false, func() {
		release := Reserve(10 << 20)
		defer release()
		if got := debug.SetMemoryLimit(-1); got != Limit {
			t.Fatalf("limit = %d, want it untouched at %d (GOMEMLIMIT's, say)", got, Limit)
		}
	})
}

func TestLimitMemoryLeavesTheEnvironmentsLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	withLimit(t, false, func() {
		debug.SetMemoryLimit(1 << 30)
		LimitMemory()
		if got := debug.SetMemoryLimit(-1); got != 1<<30 {
			t.Fatalf("limit = %d, want GOMEMLIMIT's %d", got, 1<<30)
		}
		if limited {
			t.Fatal("LimitMemory claimed the limit although GOMEMLIMIT set it")
		}
	})
}

func TestLimitMemoryLeavesRoomAboveTheLiveHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "") // so the test restores it; unset below
	withLimit(t, false, func() {
		kept := make([]byte, 64<<20)
		for i := range kept {
			kept[i] = 1
		}
		runtime.GC()
		os.Unsetenv("GOMEMLIMIT")
		LimitMemory()
		if got := debug.SetMemoryLimit(-1); got < Limit+64<<20 {
			t.Fatalf("limit = %d MiB, want at least Limit (%d MiB) above the 64 MiB kept", got>>20, Limit>>20)
		}
		runtime.KeepAlive(kept)
	})
}
