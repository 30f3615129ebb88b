// Tests of Write: a batch commits at its end, and only if it succeeds.

package prom

import (
	"errors"
	"math"
	"math/rand/v2"
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

// TestOrderLogIsAMapPerTransaction: checkOrder over the order log accepts
// and refuses what a plain map of the transaction's newest times would,
// over seeded transactions of refs near the first one seen, below it, far
// beyond the slice's reach, across store generations and a stamp that
// wraps.
func TestOrderLogIsAMapPerTransaction(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 1))
	var x txn
	gen := uint64(1)
	for tx := range 400 {
		if tx%50 == 0 {
			gen++ // a Reset: the next transaction is on a new generation
		}
		if tx == 200 {
			x.last.stamp = math.MaxUint32 // the next begin wraps
		}
		x.last.begin(gen)
		x.oldest = math.MaxInt64
		want := map[storage.SeriesRef]int64{}
		base := storage.SeriesRef(1000 * gen)
		for range rng.IntN(300) {
			ref := base + storage.SeriesRef(rng.IntN(20))
			switch rng.IntN(10) {
			case 0:
				ref = base - storage.SeriesRef(1+rng.IntN(5))
			case 1:
				ref = base + maxOrderSlots + storage.SeriesRef(rng.IntN(5))
			}
			ts := int64(rng.IntN(30))
			err := x.checkOrder(ref, ts)
			last, seen := want[ref]
			switch {
			case seen && ts < last:
				if !errors.Is(err, storage.ErrOutOfOrderSample) {
					t.Fatalf("tx %d: ref %d at %d after %d: %v, want out of order", tx, ref, ts, last, err)
				}
			case seen && ts == last:
				if !errors.Is(err, storage.ErrDuplicateSampleForTimestamp) {
					t.Fatalf("tx %d: ref %d at %d again: %v, want a duplicate", tx, ref, ts, err)
				}
			default:
				if err != nil {
					t.Fatalf("tx %d: ref %d at %d (seen %v, last %d): %v, want it taken", tx, ref, ts, seen, last, err)
				}
				want[ref] = ts
			}
		}
	}
	if len(x.last.slots) > maxOrderSlots {
		t.Errorf("the log holds %d slots, more than %d", len(x.last.slots), maxOrderSlots)
	}
}

// TestOrderLogStampWraps: once the stamp wraps, a slot last written when
// it first had the new stamp's value does not count as this transaction's.
func TestOrderLogStampWraps(t *testing.T) {
	var x txn
	x.last.begin(1) // stamp 1
	if err := x.checkOrder(7, 10); err != nil {
		t.Fatal(err)
	}
	x.last.stamp = math.MaxUint32
	x.last.begin(1) // wraps to 1 again
	if err := x.checkOrder(7, 10); err != nil {
		t.Errorf("the first sample of a transaction after the stamp wrapped: %v, want it taken", err)
	}
}
