// This file is the write side of the synthetic Prometheus: appends in one
// open transaction, checked for order, made visible by Commit.

package prom

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"
)

// Append buffers one float sample; queries see it after Commit. Samples of a
// series must come in time order, one per timestamp. A sample with the
// StaleNaN value (model/value.StaleNaN) marks the series stale, as a scrape
// that lost its target does.
func (s *Server) Append(l labels.Labels, tMillis int64, v float64) error {
	return s.appending(func(x *txn) error {
		if err := x.append(l, tMillis, v); err != nil {
			return fmt.Errorf("append %s at %s: %w", l, formatMillis(tMillis), err)
		}
		return nil
	})
}

// AppendRef is Append for a caller that appends to the same series again
// and again: ref is what AppendRef returned for these labels last time (0
// the first time), and spares the head looking the labels up, a third of
// an append's cost. A ref from before a Reset, or from another server, is
// ignored, so a stale one costs only the lookup it failed to spare.
func (s *Server) AppendRef(ref uint64, l labels.Labels, tMillis int64, v float64) (uint64, error) {
	var out uint64
	err := s.appending(func(x *txn) error {
		var err error
		out, err = Batch{x}.AppendRef(ref, l, tMillis, v)
		return err
	})
	return out, err
}

// Batch appends to the open transaction while Write holds it: many samples
// for the cost of taking the server's locks once. It is valid only during
// the call of Write that handed it out.
type Batch struct{ x *txn }

// Append is Server.Append within a Write.
func (b Batch) Append(l labels.Labels, tMillis int64, v float64) error {
	_, err := b.AppendRef(0, l, tMillis, v)
	return err
}

// AppendRef is Server.AppendRef within a Write.
func (b Batch) AppendRef(ref uint64, l labels.Labels, tMillis int64, v float64) (uint64, error) {
	id, err := b.x.appendRef(headRef(ref, b.x.st.gen), l, tMillis, v)
	if err != nil {
		return 0, fmt.Errorf("append %s at %s: %w", l, formatMillis(tMillis), err)
	}
	return b.x.st.gen<<refIDBits | uint64(id), nil
}

// Write runs fn with the open transaction held for all of it, then commits
// what fn appended (with anything appended before), as Commit does. A
// scrape appends hundreds of samples; taking the server's two locks for
// each was a fifth of what they cost. If fn fails nothing is committed.
// fn must not call the server's other methods: they wait for the locks it
// holds.
func (s *Server) Write(fn func(Batch) error) error {
	return s.withStore(func(st *store) error {
		s.appMu.Lock()
		defer s.appMu.Unlock()
		if err := fn(Batch{s.open(st)}); err != nil {
			return err
		}
		return s.commitAndDrop(st)
	})
}

// refIDBits is how many bits of a ref AppendRef hands out hold the series'
// id in its head; the bits above hold which head it was.
const refIDBits = 40

// headRef is the series id a ref names in head, or 0 if the ref is of
// another head (or its id does not fit).
func headRef(ref, head uint64) storage.SeriesRef {
	if ref>>refIDBits != head&(1<<(64-refIDBits)-1) {
		return 0
	}
	return storage.SeriesRef(ref & (1<<refIDBits - 1))
}

// Commit makes every buffered sample visible to queries at once.
func (s *Server) Commit() error {
	return s.withStore(func(st *store) error {
		s.appMu.Lock()
		defer s.appMu.Unlock()
		return s.commitAndDrop(st)
	})
}

// commitAndDrop commits and applies the retention; the caller holds appMu.
func (s *Server) commitAndDrop(st *store) error {
	if err := s.commitLocked(); err != nil {
		return err
	}
	return s.dropOld(st)
}

func (s *Server) commitLocked() error {
	st, oldest := s.txn.st, s.txn.oldest
	app := s.txn.end()
	if app == nil {
		return nil
	}
	if err := app.Commit(); err != nil {
		return fmt.Errorf("commit samples to the synthetic prometheus: %w", err)
	}
	st.oldest = min(st.oldest, oldest)
	return nil
}

// LoadSeries loads one series written in promtool's notation: metric is a
// series selector such as `http_requests_total{code="500"}`, values a
// sequence such as "0+10x20" (21 values: 0, 10, ..., 200), "1 _ 3" (`_`
// leaves a step out), "1x3 stale" (stale ends the series). The i-th value is
// stamped start + i*step. LoadSeries is a bulk load: it commits what it
// appended, together with anything appended before it.
func (s *Server) LoadSeries(metric, values string, start time.Time, step time.Duration) error {
	lbls, seq, err := s.parser.ParseSeriesDesc(metric + " " + values)
	if err != nil {
		return fmt.Errorf("series %s %q is not in promtool notation: %w", metric, values, err)
	}
	return s.appending(func(x *txn) error {
		for i, sv := range seq {
			at := start.Add(time.Duration(i) * step)
			if err := x.appendSequenceValue(lbls, timestamp.FromTime(at), sv); err != nil {
				return fmt.Errorf("load value %d of %s: %w", i, lbls, err)
			}
		}
		return s.commitLocked()
	})
}

// appending runs fn on the open transaction, opening one if needed.
func (s *Server) appending(fn func(*txn) error) error {
	return s.withStore(func(st *store) error {
		s.appMu.Lock()
		defer s.appMu.Unlock()
		return fn(s.open(st))
	})
}

// open returns the open transaction, opening one on st if needed; the
// caller holds appMu.
func (s *Server) open(st *store) *txn {
	if s.txn.app == nil {
		s.txn.begin(st.head.Appender(context.Background()), st)
	}
	return &s.txn
}

// txn is the open append transaction, if app is not nil. The head checks a
// sample's order against committed samples only: one older than, or at the
// time of, a sample earlier in the same transaction is dropped at commit
// without a word. txn rejects such a sample when it is appended instead.
type txn struct {
	app    storage.Appender
	st     *store   // where app appends
	last   orderLog // newest timestamp appended per series
	oldest int64    // the oldest sample appended
}

func (x *txn) begin(app storage.Appender, st *store) {
	x.app, x.st, x.oldest = app, st, math.MaxInt64
	x.last.begin(st.gen)
}

// end closes the transaction and returns its appender (nil if none was
// open) for the caller to commit or roll back.
func (x *txn) end() storage.Appender {
	app := x.app
	x.app = nil
	return app
}

func (x *txn) append(l labels.Labels, t int64, v float64) error {
	_, err := x.appendRef(0, l, t, v)
	return err
}

func (x *txn) appendRef(ref storage.SeriesRef, l labels.Labels, t int64, v float64) (storage.SeriesRef, error) {
	ref, err := x.app.Append(ref, l, t, v)
	if err != nil {
		return 0, err
	}
	return ref, x.checkOrder(ref, t)
}

func (x *txn) appendHistogram(l labels.Labels, t int64, fh *histogram.FloatHistogram) error {
	ref, err := x.app.AppendHistogram(0, l, t, nil, fh)
	if err != nil {
		return err
	}
	return x.checkOrder(ref, t)
}

func (x *txn) appendSequenceValue(l labels.Labels, t int64, sv parser.SequenceValue) error {
	switch {
	case sv.Omitted:
		return nil
	case sv.Histogram != nil:
		return x.appendHistogram(l, t, sv.Histogram)
	}
	return x.append(l, t, sv.Value)
}

// checkOrder records t as the series' newest, or reports why the head will
// drop it.
func (x *txn) checkOrder(ref storage.SeriesRef, t int64) error {
	last := x.last.slot(ref)
	switch {
	case last.stamp == x.last.stamp && t < last.t:
		return fmt.Errorf("%w: older than the sample at %s appended since the last Commit", storage.ErrOutOfOrderSample, formatMillis(last.t))
	case last.stamp == x.last.stamp && t == last.t:
		return fmt.Errorf("%w: a sample at this time was already appended since the last Commit", storage.ErrDuplicateSampleForTimestamp)
	}
	*last = orderSlot{t: t, stamp: x.last.stamp}
	x.oldest = min(x.oldest, t)
	return nil
}

// maxOrderSlots bounds the series orderLog keeps in its slice (16 bytes
// each); the rest go to its map.
const maxOrderSlots = 1 << 16

// orderLog is the newest time appended to each series in the open
// transaction. A head numbers its series from one up as they are created
// and never reuses an id, and a Reset either keeps a series with its id
// (keep.go) or drops it, so the series of one store generation are mostly
// the ids from the first one appended in it on: their times are kept in a
// slice by id, which a scrape's hundreds of appends read and write without
// hashing. An id the slice does not reach (below that first one: a kept
// series appended later in the generation, or too far above it) goes to a
// map. A slot counts only if it was written in this transaction (its
// stamp), so beginning one clears nothing.
type orderLog struct {
	stamp uint32 // the open transaction's; 0 marks a slot never written
	gen   uint64 // the store generation base belongs to
	base  storage.SeriesRef
	slots []orderSlot                      // by id - base
	far   map[storage.SeriesRef]*orderSlot // ids the slots do not reach
}

type orderSlot struct {
	t     int64
	stamp uint32
}

// begin starts a transaction on the store generation gen.
func (l *orderLog) begin(gen uint64) {
	l.stamp++
	if l.stamp == 0 { // wrapped: old stamps would count again
		clear(l.slots)
		l.stamp = 1
	}
	clear(l.far)
	if gen != l.gen {
		l.gen, l.base = gen, 0
	}
}

// slot is where the series ref's newest time is kept.
func (l *orderLog) slot(ref storage.SeriesRef) *orderSlot {
	if l.base == 0 {
		l.base = ref
	}
	if i := uint64(ref - l.base); ref >= l.base && i < maxOrderSlots {
		if i >= uint64(len(l.slots)) {
			l.slots = append(l.slots, make([]orderSlot, int(i)+1-len(l.slots))...)
		}
		return &l.slots[i]
	}
	return l.farSlot(ref)
}

// farSlot is slot for an id the slice does not reach.
func (l *orderLog) farSlot(ref storage.SeriesRef) *orderSlot {
	if p, ok := l.far[ref]; ok {
		return p
	}
	if l.far == nil {
		l.far = map[storage.SeriesRef]*orderSlot{}
	}
	p := &orderSlot{}
	l.far[ref] = p
	return p
}

// formatMillis renders a sample time for an error message.
func formatMillis(t int64) string {
	return timestamp.Time(t).UTC().Format(time.RFC3339Nano)
}
