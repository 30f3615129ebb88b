// This file is the world's clock part: the virtual time of the tick being
// run, which the parts that answer the engine read.

package sim

import "time"

// clock holds the virtual time of the tick being run. The parts get its Now,
// not the world: the time is all they need of it.
type clock struct {
	now time.Time
}

// Now is the virtual time of the tick being run.
func (c *clock) Now() time.Time { return c.now }
