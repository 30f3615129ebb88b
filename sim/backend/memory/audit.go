// This file is the store's audit of its own promise to readers it lends
// objects to (Peek, PeekList, Lend): a stored object is never changed in
// place, by the store or by a borrower, only replaced.

package memory

import (
	"errors"
	"fmt"
	"reflect"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

// storedCopy is an object as stored and a deep copy taken at that moment.
type storedCopy struct {
	stored, copy client.Object
	kind         string
}

// Audit starts keeping a deep copy of every object the store holds now or
// stores from now on, so Audited can tell whether one was changed after it
// was stored. Lending saves the engine a deep copy a read, so a reader
// that writes into a lent object corrupts the cluster without any error;
// tests turn this on around whole rehearsals to catch it. Memory grows
// with every write: it is for tests, never for a rehearsal.
func (s *Store) Audit() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auditing = true
	for gvk, byKey := range s.objects {
		for _, obj := range byKey {
			s.audit = append(s.audit, storedCopy{stored: obj, copy: obj.DeepCopyObject().(client.Object), kind: gvk.Kind})
		}
	}
}

// keep records obj as stored, when auditing; the caller holds the write lock.
func (s *Store) keep(kind string, obj client.Object) {
	if s.auditing {
		s.audit = append(s.audit, storedCopy{stored: obj, copy: obj.DeepCopyObject().(client.Object), kind: kind})
	}
}

// Audited names every object stored since Audit (replaced or deleted since,
// or still there) that is no longer what was stored: someone changed it in
// place.
func (s *Store) Audited() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var errs []error
	for _, c := range s.audit {
		if !reflect.DeepEqual(c.stored, c.copy) {
			errs = append(errs, fmt.Errorf("%s %s/%s at resourceVersion %s was changed in place after it was stored",
				c.kind, c.copy.GetNamespace(), c.copy.GetName(), c.copy.GetResourceVersion()))
		}
	}
	return errors.Join(errs...)
}
