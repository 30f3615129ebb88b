// Package gctune sets the garbage collector for rehearse's workload, in
// the command and in the benchmark that measures it, so both pay the same.
package gctune

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Percent is the heap growth between collections, unless GOGC says
// otherwise. A rehearsal's live heap is small (tens of MiB) and flat, but
// it allocates fast: at Go's default of 100 a sweep spent a sixth of its
// CPU collecting. 300 costs about 60 MiB more at peak and took a quarter
// off a 480-rehearsal sweep's wall time (5.0 s → 3.8 s on 2 cores).
const Percent = 300

// Limit caps the memory the Go runtime keeps, unless GOMEMLIMIT says
// otherwise: a soft limit, so the collector runs sooner near it and never
// fails an allocation. Percent alone lets the heap grow to four times what
// the last collection marked, and a sweep allocates so fast (about 1.7 MB a
// rehearsal) that at 300 a mark phase runs for tens of milliseconds with
// no help from the workers: everything allocated meanwhile is marked too.
// The marked heap then swung 9–59 MiB in a 4,800-rehearsal sweep and
// 2–91 MiB in a 48,000 one (GODEBUG=gctrace=1) while what was reachable
// stayed 20–45 MiB (heap profiles after a forced collection), so peak
// memory grew with the sweep's length: 213 and 409 MiB at 200 and 2,000
// seeds. Now (one sweep worker a core, the pooled Prometheus emptied in
// place) they peak at 124 and 145 MiB with this limit (GOMEMLIMIT=80MiB),
// at 131 and 212 MiB with 144 MiB, for the same user CPU (12.9 / 12.8 s,
// 119.8 / 120.7 s); Go's default GOGC of 100 would cost a quarter more. The
// limit binds only while the marked heap is swollen. Limit is room for that
// work: what the process already keeps when it sets the limit, and what it
// will keep to its end (see Reserve), is added.
const Limit = 80 << 20

var (
	mu      sync.Mutex
	limited bool // LimitMemory set Limit, so Reserve may raise it
)

// Apply sets Percent, unless the GOGC environment variable is set.
func Apply() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(Percent)
	}
}

// LimitMemory sets the limit to Limit above the heap live now (loaded
// scenarios and recordings, say), unless the GOMEMLIMIT environment
// variable is set. It is for commands that rehearse in bulk, whose
// transient heap is small and bounded, never for the controller, whose
// caches grow with the cluster it watches.
func LimitMemory() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	debug.SetMemoryLimit(Limit + liveHeap())
	limited = true
}

// liveHeap is the heap the last collection found reachable, in bytes.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// Reserve raises the memory limit by n bytes that the caller keeps live
// until it calls the returned release: a sweep's samples, say. Without it, a
// shard keeping a million samples would leave the collector so little room
// under Limit that it ran without pause. It does nothing unless
// LimitMemory set the limit (not when GOMEMLIMIT did, nor in a test).
func Reserve(n int64) (release func()) {
	mu.Lock()
	defer mu.Unlock()
	if !limited || n <= 0 {
		return func() {}
	}
	raise(n)
	return func() {
		mu.Lock()
		defer mu.Unlock()
		raise(-n)
	}
}

// raise moves the limit by n; mu is held.
func raise(n int64) { debug.SetMemoryLimit(debug.SetMemoryLimit(-1) + n) }
