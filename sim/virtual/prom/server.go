// This file is the server's life: options, New, Reset, Close, and the TSDB
// head it keeps in memory.

package prom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
)

// DefaultLookbackDelta is how far back a stock server's instant selector
// looks for a sample (--query.lookback-delta).
const DefaultLookbackDelta = 5 * time.Minute

// Prometheus server defaults, so an unset option behaves like a stock server.
const (
	defaultLookbackDelta = DefaultLookbackDelta
	defaultQueryTimeout  = 2 * time.Minute
	defaultMaxSamples    = 50_000_000
	// defaultSubqueryStep is the step of a subquery written without one
	// (`x[30m:]`); a stock server uses its global evaluation_interval, 1m.
	defaultSubqueryStep = time.Minute
	// headChunkRange is the head's chunk range, in milliseconds. The head
	// accepts a sample up to half of it behind its newest: a stock head one
	// hour, this one any time (the range is beyond any timestamp's reach),
	// since a scenario may load hours of history after its first tick and
	// nothing is ever compacted here. Unbounded, it also leaves an emptied
	// head (store.empty) taking just what a new one takes, whatever time its
	// last scenario reached; only a retention cut bounds an append.
	headChunkRange = 1 << 62
)

// ErrClosed is returned by every method of a Server after Close.
var ErrClosed = errors.New("synthetic prometheus: server is closed")

// Options configure a Server. The zero value behaves like a stock Prometheus
// server whose clock is the wall clock.
type Options struct {
	// LookbackDelta is how far back an instant selector looks for a sample
	// (Prometheus --query.lookback-delta). Default 5m.
	LookbackDelta time.Duration
	// QueryTimeout bounds one query's evaluation in wall time
	// (--query.timeout). Default 2m.
	QueryTimeout time.Duration
	// MaxSamples bounds the samples one query may hold in memory
	// (--query.max-samples). Default 50,000,000.
	MaxSamples int
	// Now is the time at which an instant query that names no time is
	// evaluated. Flagger's client never sends one, so in virtual time this
	// must be the harness's clock. Default time.Now.
	Now func() time.Time
	// NoIsolation turns off the head's isolation, which keeps a query from
	// seeing half of a commit made while it runs. Its bookkeeping walks every
	// chunk of a series on every read, so a long run's queries cost more
	// with each tick (a 24-hour run was quadratic). A caller that never
	// appends while it queries, as a run in virtual time does, loses nothing
	// by turning it off. Default: isolation on, as in a stock server.
	NoIsolation bool
}

func (o Options) withDefaults() Options {
	if o.LookbackDelta <= 0 {
		o.LookbackDelta = defaultLookbackDelta
	}
	if o.QueryTimeout <= 0 {
		o.QueryTimeout = defaultQueryTimeout
	}
	if o.MaxSamples <= 0 {
		o.MaxSamples = defaultMaxSamples
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Server is a synthetic Prometheus: samples go in through Append and Commit,
// queries come out through Query or the HTTP API. All methods are safe for
// concurrent use.
type Server struct {
	opts   Options
	parser parser.Parser
	engine *promql.Engine

	// mu is held for reading by every operation on the store and for
	// writing only to replace it (Reset) or drop it (Close).
	mu    sync.RWMutex
	store *store

	// appMu serialises use of txn, the open append transaction: a tsdb
	// appender is not safe for concurrent use.
	appMu sync.Mutex
	txn   txn

	fault atomic.Pointer[Fault]

	retMu sync.Mutex
	ret   retention

	httpMu sync.Mutex
	http   *http.Server

	handler http.Handler // Handler's answer, built once by New
}

// New returns a Server with an empty in-memory TSDB. Close releases it.
func New(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	dir, err := os.MkdirTemp("", "rehearse-prom-")
	if err != nil {
		return nil, fmt.Errorf("create a temporary directory for the synthetic prometheus TSDB (check TMPDIR): %w", err)
	}
	st, err := openStore(dir, opts.NoIsolation)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	p := parser.NewParser(parser.Options{})
	s := &Server{opts: opts, parser: p, engine: sharedEngine(opts), store: st}
	s.handler = s.newHandler()
	s.SetRetention(0)
	return s, nil
}

// maxSharedEngines bounds the engines kept for sharing: a process that
// asks for servers with more sets of options than this gets an engine of
// its own for each of the rest, as every server once did.
const maxSharedEngines = 8

// engines are the PromQL engines of the process's servers, one per set of
// the options an engine takes. An engine is safe for concurrent use, and
// nothing a query leaves in it reaches another's answer (servers set no
// query logger and no tracker), so servers with the same options share
// one: building an engine (the summaries of its metrics) cost a quarter of
// a megabyte per server, a tenth of what the library's first replay
// allocates. TestSharedEngineAnswersAsAFreshOne holds the answers equal.
var engines struct {
	mu sync.Mutex
	m  map[engineOptions]*promql.Engine
}

type engineOptions struct {
	lookback, timeout time.Duration
	maxSamples        int
}

// sharedEngine returns the engine for opts, which has its defaults set.
func sharedEngine(opts Options) *promql.Engine {
	k := engineOptions{lookback: opts.LookbackDelta, timeout: opts.QueryTimeout, maxSamples: opts.MaxSamples}
	engines.mu.Lock()
	defer engines.mu.Unlock()
	if ng, ok := engines.m[k]; ok {
		return ng
	}
	ng := newEngine(opts, newMemoParser(parser.NewParser(parser.Options{})))
	if engines.m == nil {
		engines.m = map[engineOptions]*promql.Engine{}
	}
	if len(engines.m) < maxSharedEngines {
		engines.m[k] = ng
	}
	return ng
}

// newEngine configures the PromQL engine as a stock Prometheus 3 server does.
func newEngine(opts Options, p parser.Parser) *promql.Engine {
	return promql.NewEngine(promql.EngineOpts{
		MaxSamples:               opts.MaxSamples,
		Timeout:                  opts.QueryTimeout,
		LookbackDelta:            opts.LookbackDelta,
		NoStepSubqueryIntervalFn: func(int64) int64 { return defaultSubqueryStep.Milliseconds() },
		EnableAtModifier:         true,
		EnableNegativeOffset:     true,
		Parser:                   p,
	})
}

// Reset drops every sample (committed or pending) and any fault, and starts
// again with a TSDB that answers as an empty one (see store.empty). The
// engine, the HTTP listener and its address are kept, so one Server serves
// scenario after scenario; this is many times cheaper than New and Close
// (see BenchmarkScenarioTeardown). If it fails the server is closed.
func (s *Server) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		return ErrClosed
	}
	s.SetFault(Fault{})
	s.SetRetention(0)
	s.rollback()
	if err := s.store.empty(); err != nil {
		st := s.store
		s.store = nil
		return errors.Join(err, st.close(), os.RemoveAll(st.dir))
	}
	return nil
}

// Close stops the HTTP server, drops the TSDB and removes its files. Calling
// it again does nothing.
func (s *Server) Close() error {
	errHTTP := s.stopHTTP()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		return errHTTP
	}
	s.rollback()
	err := s.store.close()
	if rmErr := os.RemoveAll(s.store.dir); rmErr != nil {
		err = errors.Join(err, fmt.Errorf("remove the synthetic prometheus TSDB directory: %w", rmErr))
	}
	s.store = nil
	return errors.Join(errHTTP, err)
}

// rollback abandons the pending transaction; the caller holds mu for writing.
func (s *Server) rollback() {
	s.appMu.Lock()
	defer s.appMu.Unlock()
	if app := s.txn.end(); app != nil {
		_ = app.Rollback() // the store is being dropped anyway
	}
}

// withStore runs fn with the current store held open.
func (s *Server) withStore(fn func(*store) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.store == nil {
		return ErrClosed
	}
	return fn(s.store)
}

// store is one TSDB head, with no WAL and no blocks: samples live in memory.
// Only closing the head touches the disk, where it writes its full chunks
// (for a restart that never comes) under dir/chunks_head.
type store struct {
	head *keptHead
	dir  string
	gen  uint64 // unique to this store's series among every server's, for AppendRef
	// oldest is the oldest sample the head may hold: what a new head's
	// MinTime reads. The head's own MinTime does not, once emptied.
	oldest int64
}

// storeGen numbers heads, so that a ref into one is never taken for a ref
// into another.
var storeGen atomic.Uint64

// openStore opens an empty head over dir, which must exist and hold no
// chunks.
func openStore(dir string, noIsolation bool) (*store, error) {
	// A head without a logger formats its log lines for a discarding one
	// (a third of emptying it, for the lines of its garbage collection);
	// this one drops them before they are formatted.
	head, err := tsdb.NewHead(nil, slog.New(slog.DiscardHandler), nil, nil, headOptions(dir, noIsolation), nil)
	if err != nil {
		return nil, fmt.Errorf("open the synthetic prometheus TSDB head in %s: %w", dir, err)
	}
	if err := head.Init(math.MinInt64); err != nil {
		_ = head.Close()
		return nil, fmt.Errorf("initialise the synthetic prometheus TSDB head in %s: %w", dir, err)
	}
	kept := &keptHead{Head: head, keep: noIsolation}
	kept.restart(0)
	return &store{head: kept, dir: dir, gen: storeGen.Add(1), oldest: math.MaxInt64}, nil
}

func headOptions(dir string, noIsolation bool) *tsdb.HeadOptions {
	o := tsdb.DefaultHeadOptions()
	o.ChunkDirRoot = dir
	o.IsolationDisabled = noIsolation
	o.ChunkRange = headChunkRange
	// The series map is sharded into StripeSize locked stripes, for
	// appenders and readers on many cores; the default (16384) is sized for
	// millions of series and costs ~5 MB to open. A server here holds tens
	// of series and one appender, and every garbage collection of the head
	// (each Reset, each retention cut) walks every stripe, allocating a map
	// for each: one stripe does that walk once. Stripes only shard locks and
	// maps; series ids, postings and so answers do not depend on them.
	o.StripeSize = 1
	return o
}

// Querier makes a store a storage.Queryable, as a DB with no blocks is.
func (st *store) Querier(mint, maxt int64) (storage.Querier, error) {
	rh := tsdb.NewRangeHead(st.head.Head, mint, maxt)
	q, err := tsdb.NewBlockQuerier(rh, mint, maxt)
	if err != nil {
		return nil, err
	}
	if !st.head.isShuffled() {
		return untrimmed{q}, nil
	}
	ordered, err := tsdb.NewBlockQuerier(orderedHead{RangeHead: rh, h: st.head}, mint, maxt)
	if err != nil {
		_ = q.Close()
		return nil, err
	}
	return untrimmed{reordered{Querier: q, ordered: ordered}}, nil
}

// reordered lists series, when asked not to sort them, in the order a new
// head would hold them, for a head whose kept series are not in that order
// (see keptHead).
type reordered struct {
	storage.Querier
	ordered storage.Querier // sorts in a new head's order
}

func (q reordered) Select(ctx context.Context, sortSeries bool, hints *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	if sortSeries {
		return q.Querier.Select(ctx, true, hints, ms...)
	}
	return q.ordered.Select(ctx, true, hints, ms...)
}

func (q reordered) Close() error {
	return errors.Join(q.Querier.Close(), q.ordered.Close())
}

// untrimmed selects whole chunks, leaving the engine to bound samples by
// time, which it does for every selector, since a querier may return more
// than it asked for (remote read does). Trimming each series to the
// query's range took up to four allocations per series selected (its
// deletion intervals, twice), the largest single share of a library
// tick's; whole chunks take one, an iterator of the series's own.
// TestUntrimmedAnswersAsTrimmed holds the answers equal.
type untrimmed struct{ storage.Querier }

// The hints are the engine's own, built for this one Select and dropped
// once it returns (populateSeries), and no reader but the querier here
// looks at DisableTrimming: setting it on them, rather than on a copy,
// spares a copy on the heap for every selector of every query.
func (q untrimmed) Select(ctx context.Context, sortSeries bool, hints *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
	if hints != nil { // the engine gives every selector hints; keep any other call as it was
		hints.DisableTrimming = true
	}
	return q.Querier.Select(ctx, sortSeries, hints, ms...)
}

// close drops the head. Closing a head writes its full chunks to disk for a
// restart, costing milliseconds per scenario on a slow disk; truncating
// everything first leaves it nothing to write.
func (st *store) close() error {
	if err := st.head.Truncate(math.MaxInt64); err != nil {
		_ = st.head.Close() // release it anyway; the truncation error says more
		return fmt.Errorf("empty the synthetic prometheus TSDB head: %w", err)
	}
	if err := st.head.Close(); err != nil {
		return fmt.Errorf("close the synthetic prometheus TSDB head: %w", err)
	}
	return nil
}

// empty drops every sample, leaving a head that answers and takes samples
// as a new one does, for a fraction of what closing it and opening another
// costs (their files, metrics and maps). Truncating just past the newest
// sample leaves no chunk; a server without isolation keeps the series
// themselves, samples gone, for the next scenario to find (keptHead says
// why no answer can tell), another drops them all (new ones get new ids,
// in the order they come, as in a new head). Then the floor the truncation
// set is lifted, as a new head has none. What still differs is only what
// this package never reads of a head, its MinTime and MaxTime: with
// headChunkRange, the head's MaxTime bounds no append. A new generation
// keeps refs handed out before from naming the next series.
func (st *store) empty() error {
	if st.head.MaxTime() == math.MaxInt64 {
		return fmt.Errorf("empty the synthetic prometheus TSDB head: it holds a sample at the end of time")
	}
	if err := st.head.emptyKeeping(st.head.MaxTime()); err != nil {
		return fmt.Errorf("empty the synthetic prometheus TSDB head: %w", err)
	}
	if n := st.head.NumSeries(); n != 0 && !st.head.keep {
		return fmt.Errorf("empty the synthetic prometheus TSDB head: %d series outlived truncation", n)
	}
	st.gen = storeGen.Add(1)
	st.oldest = math.MaxInt64
	return nil
}
