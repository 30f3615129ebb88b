// This file is the per-Canary schedule that holds controller-runtime's extra reconciles back to
// Flagger's one tick per analysis interval.

package controller

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// schedule remembers when each Canary's next tick is due. controller-runtime
// reconciles on every watch event and on its own resyncs, while Flagger
// ticks only once per analysis interval; a reconcile that comes early waits
// for the rest of the interval instead of ticking.
type schedule struct {
	mu    sync.Mutex
	slots map[types.NamespacedName]slot
}

// slot is the due time of one Canary object: a Canary deleted and created
// again under the same name is a new object and ticks at once.
type slot struct {
	uid types.UID
	due time.Time
}

// wait is how long the Canary must still wait at now; zero means tick.
func (s *schedule) wait(key types.NamespacedName, uid types.UID, now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl, ok := s.slots[key]
	if !ok || sl.uid != uid || !now.Before(sl.due) {
		return 0
	}
	return sl.due.Sub(now)
}

// next records when the Canary's next tick is due.
func (s *schedule) next(key types.NamespacedName, uid types.UID, due time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.slots == nil {
		s.slots = map[types.NamespacedName]slot{}
	}
	s.slots[key] = slot{uid: uid, due: due}
}

// forget drops a deleted Canary.
func (s *schedule) forget(key types.NamespacedName) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.slots, key)
}
