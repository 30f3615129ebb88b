// Tests of Write: a batch commits at its end, and only if it succeeds.

package prom

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
)

func TestWriteCommitsTheBatch(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	x, y := labels.FromStrings("__name__", "x"), labels.FromStrings("__name__", "y")
	at := func(i int) int64 { return t0.Add(time.Duration(i) * 5 * time.Second).UnixMilli() }
	if err := s.Append(y, at(0), 5); err != nil { // pending before the batch: committed with it
		t.Fatal(err)
	}
	var ref uint64
	err := s.Write(func(b Batch) error {
		var err error
		if ref, err = b.AppendRef(0, x, at(0), 1); err != nil {
			return err
		}
		ref, err = b.AppendRef(ref, x, at(1), 2)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, gotY := answer(t, s, "x"), answer(t, s, "y"); got != "2" || gotY != "5" {
		t.Errorf("after Write: x = %s, y = %s; want 2 and 5", got, gotY)
	}
	if again, err := s.AppendRef(ref, x, at(2), 3); err != nil || again != ref {
		t.Errorf("AppendRef(the batch's ref) = %d, %v; want the same ref %d", again, err, ref)
	}
}

func TestWriteThatFailsCommitsNothing(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	x := labels.FromStrings("__name__", "x")
	at := t0.UnixMilli()
	err := s.Write(func(b Batch) error {
		if err := b.Append(x, at, 1); err != nil {
			return err
		}
		return b.Append(x, at, 2) // a second sample at the same time
	})
	if err == nil || !errors.Is(err, storage.ErrDuplicateSampleForTimestamp) {
		t.Fatalf("Write with a duplicate sample = %v, want the duplicate reported", err)
	}
	if got := answer(t, s, "x"); got != "" {
		t.Errorf("x = %s after a failed Write, want nothing committed", got)
	}
}
