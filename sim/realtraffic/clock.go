// This file is the real traffic's clock: virtual time tied to the wall
// clock, scaled.

package realtraffic

import (
	"context"
	"time"

	"github.com/rehearse-dev/rehearse/internal/ctxsleep"
)

// wallClock ties virtual time to the wall clock, scaled: virtual =
// v0 + (wall − w0) / scale, so at scale 0.05 a virtual minute lasts 3s.
// It is the imperative shell of a real-traffic run, the one place that
// reads the machine's clock.
type wallClock struct {
	v0, w0 time.Time
	scale  float64
}

// wall is the wall-clock moment of virtual time v.
func (c wallClock) wall(v time.Time) time.Time {
	return c.w0.Add(time.Duration(float64(v.Sub(c.v0)) * c.scale))
}

// virtual is the virtual time at wall-clock moment t.
func (c wallClock) virtual(t time.Time) time.Time {
	return c.v0.Add(time.Duration(float64(t.Sub(c.w0)) / c.scale))
}

// now is the virtual time now.
func (c wallClock) now() time.Time { return c.virtual(time.Now()) }

// sleepUntil waits for the wall-clock moment of virtual time v, and says
// how late the caller already was when it was due (zero if on time).
func (c wallClock) sleepUntil(ctx context.Context, v time.Time) (time.Duration, error) {
	d := time.Until(c.wall(v))
	if d <= 0 {
		return -d, ctx.Err()
	}
	return 0, ctxsleep.Sleep(ctx, d)
}
