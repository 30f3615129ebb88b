// Retention: how a server in virtual time drops samples no query can read
// any more, so that a week-long run costs each tick what its first hour did.

package prom

import (
	"fmt"
	"math"
	"time"

	"github.com/prometheus/prometheus/model/timestamp"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
)

// A stock Prometheus keeps two or three hours in its head and the rest in
// blocks, which a query over the last minute never opens. This server has
// only a head, and the head lists every chunk of a series to every query:
// without retention each tick of a long run costs more than the last.

// SetRetention lets the server drop samples older than d before the newest
// query time it has answered (0, the default, keeps everything). A query
// that would read further back than what is kept fails, saying so, rather
// than answer from partial data. Reset sets it back to 0.
func (s *Server) SetRetention(d time.Duration) {
	s.retMu.Lock()
	defer s.retMu.Unlock()
	s.ret = retention{keep: d, queriedAt: math.MinInt64, keptFrom: math.MinInt64}
}

// retention is the state of SetRetention.
type retention struct {
	keep      time.Duration
	queriedAt int64 // the newest evaluation time seen, ms
	keptFrom  int64 // samples before this were dropped, ms
}

// observe records a query's evaluation and refuses one that reads before
// what was kept.
func (s *Server) observe(stmt parser.Statement) error {
	es, ok := stmt.(*parser.EvalStmt)
	if !ok {
		return nil
	}
	s.retMu.Lock()
	defer s.retMu.Unlock()
	if s.ret.keep <= 0 {
		return nil
	}
	s.ret.queriedAt = max(s.ret.queriedAt, timestamp.FromTime(es.End))
	if s.ret.keptFrom == math.MinInt64 {
		return nil // nothing dropped yet: no query reads before what is kept
	}
	// A query that selects no series (Flagger's online probe, vector(1))
	// reads nothing kept or dropped: FindMinMaxTime gives it 0, 0, which
	// no selector's range is (a lookback or a range always precedes its end).
	if mint, maxt := promql.FindMinMaxTime(es); (mint != 0 || maxt != 0) && mint < s.ret.keptFrom {
		return fmt.Errorf("the query reads samples from %s, but the synthetic Prometheus keeps only the last %s before its newest query (samples from %s on)",
			formatMillis(mint), s.ret.keep, formatMillis(s.ret.keptFrom))
	}
	return nil
}

// dropOld truncates the head when it holds twice the retention, so that the
// work of truncating is spread over many commits.
func (s *Server) dropOld(st *store) error {
	s.retMu.Lock()
	defer s.retMu.Unlock()
	keep := s.ret.keep.Milliseconds()
	if keep <= 0 || s.ret.queriedAt == math.MinInt64 {
		return nil
	}
	cut := s.ret.queriedAt - keep
	if st.oldest >= cut-keep {
		return nil
	}
	if err := st.head.Truncate(cut); err != nil {
		return fmt.Errorf("drop samples older than %s from the synthetic prometheus: %w", formatMillis(cut), err)
	}
	s.ret.keptFrom = cut
	st.oldest = cut // as the head's own MinTime after truncating
	return nil
}

// Reach is how far before its evaluation time an instant query reads
// samples: its ranges, offsets and subqueries, plus the lookback of a
// stock server. ok is false for a query that does not parse or that pins
// a time with @, whose reach no duration bounds.
func Reach(q string) (d time.Duration, ok bool) {
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(q)
	if err != nil {
		return 0, false
	}
	return reachOf(expr)
}

// reachOf is Reach of a parsed query.
func reachOf(expr parser.Expr) (d time.Duration, ok bool) {
	pinned := false
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		switch x := n.(type) {
		case *parser.VectorSelector:
			pinned = pinned || x.Timestamp != nil || x.StartOrEnd != 0
		case *parser.SubqueryExpr:
			pinned = pinned || x.Timestamp != nil || x.StartOrEnd != 0
		}
		return nil
	})
	if pinned {
		return 0, false
	}
	at := time.Unix(1<<31, 0)
	mint, _ := promql.FindMinMaxTime(&parser.EvalStmt{Expr: expr, Start: at, End: at, LookbackDelta: defaultLookbackDelta})
	// Rounded up to the second: ranges are open on the left, so the engine
	// reads a millisecond less than a range says.
	return (at.Sub(timestamp.Time(mint)) + time.Second - 1).Truncate(time.Second), true
}
