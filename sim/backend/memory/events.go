// This file expires Events as an API server does (its --event-ttl), on the
// events' own clock: a rehearsal's events carry its virtual time, and the
// store has no clock of its own.

package memory

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// EventTTL is how long an Event lives after its last write: the API
// server's default --event-ttl. Without it a long rehearsal's events, a
// couple a tick, would pile up in the store for the whole run.
const EventTTL = time.Hour

// queuedEvent is one write of an Event, in the order of writes.
type queuedEvent struct {
	key types.NamespacedName
	at  time.Time
}

// eventTime is when an Event was last written by its own account: its
// lastTimestamp, else its eventTime, else its firstTimestamp; zero when it
// says nothing, and then it never expires.
func eventTime(e *corev1.Event) time.Time {
	switch {
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	}
	return e.FirstTimestamp.Time
}

// wroteEvent queues an Event just stored and deletes the Events last
// written more than EventTTL before it; the caller holds the write lock. A
// queued write that a later write of its Event superseded deletes nothing
// (that write is queued too), nor does one whose Event is gone; an Event
// deleted and created again at a time no later than the queued write's has
// expired by then anyway.
func (s *Store) wroteEvent(k *kind, e *corev1.Event) {
	at := eventTime(e)
	if at.IsZero() {
		return
	}
	s.events = append(s.events, queuedEvent{key: keyOf(e), at: at})
	for len(s.events) > 0 && s.events[0].at.Add(EventTTL).Before(at) {
		q := s.events[0]
		s.events = s.events[1:]
		stored, ok := s.objects[k.gvk][q.key].(*corev1.Event)
		if ok && !eventTime(stored).After(q.at) {
			delete(s.objects[k.gvk], q.key)
		}
	}
}
