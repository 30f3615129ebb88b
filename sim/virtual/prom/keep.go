// This file keeps a head's series across Reset: their labels, ids and
// postings stay, and only their samples go, so that the next scenario,
// which mostly writes the same series, finds them instead of creating
// them, and emptying the head does not delete them. An answer must not
// tell: the head's storage order, which an instant matrix and the order of
// a sum's additions follow, is kept as a new head's would be.

package prom

import (
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/prometheus/prometheus/tsdb/index"
)

// Why a kept series answers as a new one: a head garbage-collects a series
// once it has no chunk and no sample pending; empty truncates every chunk
// while a sample for each kept series is pending, then rolls that sample
// back. A series without a chunk is left out of every Select (the querier
// skips a series with no chunk in range), and its next sample cuts a new
// chunk from the same state a new series starts from, but for the appender
// of its last chunk. Only a histogram chunk reads that (for the counter-reset
// header of the first chunk it cuts), and today no answer can tell: the
// chunk iterators read every chunk's first sample as of unknown reset, the
// header aside (TestFirstSampleOfAChunkHasNoResetHint), and the header's
// only other reader asks whether it is a gauge's, which the sample's own
// hint decides. A Prometheus that trusts the header (its TODO, issue 15346)
// would make a kept series' first sum warn where a new one's does not
// (TestResetDropsSeriesThatTookAHistogram), so series that took a
// histogram are not kept: they are rare here, and the rule costs nothing
// else. Isolation keeps a ring of append ids per series; servers with
// isolation keep nothing.
//
// What a kept series cannot keep is its place. A head numbers series in the
// order they are created, and a Select that does not sort lists them in
// that order, the storage order: a new head's is the order in which the
// scenario first appended to each series. A kept series has its number from
// an earlier scenario: if this one first appends to kept series in another
// order, or to a kept series after creating one, the head's order is not a
// new head's. The appender notes when that happens, and from then until the
// next Reset, a Select that does not sort lists series in the new head's
// order instead (orderedIndex). It is rare: a scenario writes its series in
// the order the last one, much like it, did.

// keptHead is a store's head, whose appender notes the order in which a
// scenario first appends to each series.
type keptHead struct {
	*tsdb.Head
	keep bool // series are kept across empty (servers without isolation)

	mu sync.Mutex // guards order against a query that reads it while an append writes it
	order

	// app is the appender Appender hands out, written over for each
	// transaction: the server opens one at a time (its appMu) and drops
	// it at commit or rollback, and a tick opened one a commit.
	app notingAppender
}

// order is what the appenders noted since the head was last emptied.
type order struct {
	// base is the highest series id when the head was last emptied: ids up
	// to it are kept series, ids above it were created since.
	base uint64
	// first[id] is, for a kept series appended to since, 1 + the number
	// of kept series first appended to before it; 0 if none was.
	first []uint64
	// after[id] is, for such a series, the highest id created before its
	// first append (base if none was): in a new head it comes after those.
	after  []uint64
	seen   uint64        // kept series appended to
	top    uint64        // the highest kept id appended to
	newest atomic.Uint64 // the highest id created since (base if none)
	// shuffled is set once the head's order differs from a new head's.
	shuffled bool
	// histograms are the series that took a histogram sample.
	histograms map[storage.SeriesRef]bool
}

// Appender notes what its appends create and reach, on a head that keeps
// series; on another the order is always a new head's. One appender may
// be open at a time: the next call writes over the last one's wrapper.
func (h *keptHead) Appender(ctx context.Context) storage.Appender {
	if !h.keep {
		return h.Head.Appender(ctx)
	}
	h.app = notingAppender{Appender: h.Head.Appender(ctx), h: h}
	return &h.app
}

// notingAppender is a head appender that tells its head which series it
// appended to. Only Append and AppendHistogram create series here: the
// package appends with nothing else.
type notingAppender struct {
	storage.Appender
	h *keptHead
}

func (a *notingAppender) Append(ref storage.SeriesRef, l labels.Labels, t int64, v float64) (storage.SeriesRef, error) {
	ref, err := a.Appender.Append(ref, l, t, v)
	if err == nil {
		a.h.appended(ref)
	}
	return ref, err
}

func (a *notingAppender) AppendHistogram(ref storage.SeriesRef, l labels.Labels, t int64, h *histogram.Histogram, fh *histogram.FloatHistogram) (storage.SeriesRef, error) {
	ref, err := a.Appender.AppendHistogram(ref, l, t, h, fh)
	if err == nil {
		a.h.appended(ref)
		a.h.mu.Lock()
		a.h.histograms[ref] = true
		a.h.mu.Unlock()
	}
	return ref, err
}

// appended notes a successful append to the series id. A head creates a
// series only in an append that succeeds (it checks a sample's time and a
// histogram before it looks the series up, and a new series takes any
// sample in time), so every series created is noted here, in order.
func (h *keptHead) appended(ref storage.SeriesRef) {
	// Only this appender writes what it reads unlocked here (an appender is
	// used by one goroutine at a time); a query reads it under mu.
	id := uint64(ref)
	if id > h.base {
		if id > h.newest.Load() { // created: ids are handed out in increasing order
			h.mu.Lock()
			h.newest.Store(id)
			h.mu.Unlock()
		}
		return
	}
	if h.first[id] != 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen++
	h.first[id] = h.seen
	h.after[id] = h.newest.Load()
	if id < h.top || h.newest.Load() > h.base {
		h.shuffled = true
	}
	h.top = max(h.top, id)
}

// restart forgets what was noted, once the head is emptied; top is the
// highest id the head has handed out.
func (h *keptHead) restart(top uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := int(top) + 1
	h.base, h.seen, h.top, h.shuffled = top, 0, 0, false
	h.newest.Store(top)
	h.first = slices.Grow(h.first[:0], n)[:n]
	h.after = slices.Grow(h.after[:0], n)[:n]
	clear(h.first)
	clear(h.after)
	if h.histograms == nil {
		h.histograms = map[storage.SeriesRef]bool{}
	}
	clear(h.histograms)
}

// isShuffled says whether the head's order differs from a new head's.
func (h *keptHead) isShuffled() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.shuffled
}

// compare orders series a and b as a new head would list them. The
// caller holds mu.
func (h *keptHead) compare(a, b storage.SeriesRef) int {
	ra, rb := h.rank(uint64(a)), h.rank(uint64(b))
	return slices.Compare(ra[:], rb[:])
}

// rank is where a new head would list series id. A series created since
// is listed by its id; a kept one after every series created before its
// first append and before any created after it, and among kept ones in the
// order they were first appended to. A kept series not appended to since
// holds no sample, so no Select lists it: it goes last.
func (h *keptHead) rank(id uint64) [3]uint64 {
	switch {
	case id > h.base:
		return [3]uint64{id, 0, 0}
	case h.first[id] == 0:
		return [3]uint64{math.MaxUint64, 0, id}
	}
	return [3]uint64{h.after[id], 1, h.first[id]}
}

// emptyKeeping truncates every sample, keeping the series that took no
// histogram; see the top of this file. maxt is the head's newest sample.
func (h *keptHead) emptyKeeping(maxt int64) error {
	if h.MinTime() == math.MaxInt64 { // nothing was ever committed: no chunk to drop
		h.restart(h.highestID())
		return nil
	}
	mint := maxt + 1
	var kept []storage.SeriesRef
	if h.keep && !h.isShuffled() { // else the next scenario starts a new order
		var err error
		if kept, err = h.keepable(); err != nil {
			return err
		}
	}
	hold := h.Head.Appender(context.Background())
	for _, ref := range kept {
		_, _ = hold.Append(ref, labels.EmptyLabels(), mint, 0) // a series it fails for is not kept
	}
	err := h.Head.Truncate(mint)
	_ = hold.Rollback() // nothing was committed: only the pending marks go
	if err != nil {
		return err
	}
	h.Head.SetMinValidTime(math.MinInt64)
	h.restart(h.highestID())
	return nil
}

// keepable lists the series that may be kept: those appended to since the
// head was last emptied that took no histogram. A series kept before and
// not appended to since goes, so that a session's head holds only what its
// last scenario wrote.
func (h *keptHead) keepable() ([]storage.SeriesRef, error) {
	ix, err := h.Head.Index()
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	name, value := index.AllPostingsKey()
	p, err := ix.Postings(context.Background(), name, value)
	if err != nil {
		return nil, err
	}
	var refs []storage.SeriesRef
	for p.Next() {
		id := uint64(p.At())
		if (id > h.base || h.first[id] != 0) && !h.histograms[p.At()] {
			refs = append(refs, p.At())
		}
	}
	return refs, p.Err()
}

// highestID is the highest series id the head has handed out: the last
// one noted, as every creation is.
func (h *keptHead) highestID() uint64 {
	return h.newest.Load()
}

// orderedHead is a range of the head whose index sorts postings in a new
// head's order; see orderedIndex.
type orderedHead struct {
	*tsdb.RangeHead
	h *keptHead
}

func (o orderedHead) Index() (tsdb.IndexReader, error) {
	ix, err := o.RangeHead.Index()
	if err != nil {
		return nil, err
	}
	return orderedIndex{IndexReader: ix, h: o.h}, nil
}

// orderedIndex sorts postings in the order a new head would hold the
// series, not by their labels: a querier that is asked to sort over it
// lists series as a new head's querier does unasked.
type orderedIndex struct {
	tsdb.IndexReader
	h *keptHead
}

func (ix orderedIndex) SortedPostings(p index.Postings) index.Postings {
	refs, err := index.ExpandPostings(p)
	if err != nil {
		return index.ErrPostings(err)
	}
	ix.h.mu.Lock()
	defer ix.h.mu.Unlock()
	slices.SortFunc(refs, ix.h.compare)
	return index.NewListPostings(refs)
}
