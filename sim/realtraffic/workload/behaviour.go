// This file is how a version answers at a moment (serving, success rate,
// latency quantiles) and the seeded dice that draw each request's failure
// and log-normal latency from it.

package workload

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Behaviour is how a version answers at one moment.
type Behaviour struct {
	// Serving: the pods are ready. A version that is not serving answers
	// 503 and records nothing, as no sidecar would see the request.
	Serving bool
	// SuccessRate is the percentage of requests answered without a 5xx.
	SuccessRate float64
	// P50 and P99 fit the log-normal latency the answers are drawn from.
	P50, P99 time.Duration
}

// z99 is the standard normal quantile at 0.99.
const z99 = 2.3263478740408408

// dice draws the fate of each request from a seeded source; it is shared
// by the handlers, hence the lock.
type dice struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newDice(seed uint64) *dice {
	return &dice{rng: rand.New(rand.NewPCG(seed, 0x70d5))}
}

// fails says whether a request fails, at the given success rate (percent).
func (d *dice) fails(successRate float64) bool {
	if successRate >= 100 {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rng.Float64()*100 >= successRate
}

// latency draws from the log-normal whose median is p50 and whose 99th
// percentile is p99. A zero median answers at once; equal quantiles always
// take p50.
func (d *dice) latency(p50, p99 time.Duration) time.Duration {
	if p50 <= 0 {
		return 0
	}
	if p99 <= p50 {
		return p50
	}
	sigma := math.Log(float64(p99)/float64(p50)) / z99
	d.mu.Lock()
	z := d.rng.NormFloat64()
	d.mu.Unlock()
	return time.Duration(float64(p50) * math.Exp(sigma*z))
}
