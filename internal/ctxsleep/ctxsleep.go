// Package ctxsleep waits for a wall-clock duration unless a context ends
// first. Hook delays, webhook retries, workload latencies, scrapes and
// real-traffic ticks all wait this way; one function keeps them stopping
// promptly on SIGINT and never leaking a timer.
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits d, and returns ctx's error if ctx ends first (or has already
// ended when d is not positive).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
