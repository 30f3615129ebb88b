// This file remembers the parser's expressions by query text and hands the
// engine a deep copy of one for each query: a rehearsal asks the same few
// texts at every tick, and parsing one (its regular expressions compiled
// anew each time) cost as much as evaluating it. A copy whose query is
// done is written over by the next query of its text, not allocated anew.

package prom

import (
	"sync"

	"github.com/prometheus/prometheus/promql/parser"
)

// memoParser is Prometheus's parser with ParseExpr remembered. The engine
// writes into the tree it evaluates (the series it selected, offsets,
// step-invariant wrappers), so no two queries may share one: each gets its
// own copy, which costs a small part of parsing the text again.
type memoParser struct {
	parser.Parser
	exprs *textMemo[*memoEntry]
}

func newMemoParser(p parser.Parser) memoParser {
	return memoParser{Parser: p, exprs: &textMemo[*memoEntry]{}}
}

// ParseExpr returns what the parser returns for q. A text that does not
// parse, or whose tree holds a node cloneExpr does not know, is parsed
// every time: its error, or its tree, is then the parser's own.
func (p memoParser) ParseExpr(q string) (parser.Expr, error) {
	e := p.exprs.get(q, func(q string) *memoEntry {
		e, err := p.Parser.ParseExpr(q)
		if err != nil {
			return nil
		}
		if _, ok := cloneExpr(e, nil); !ok {
			return nil
		}
		return &memoEntry{tree: e}
	})
	if e == nil {
		return p.Parser.ParseExpr(q)
	}
	return e.copy(), nil
}

// maxLent bounds the copies of one text lent and not given back: a query
// the engine refuses after parsing it, or whose root it replaces (as it
// folds start()), never gives its copy back; past this many, the text's
// queries get copies of their own, allocated anew.
const maxLent = 4

// memoEntry is one text's parsed tree and the arenas of its copies that
// are free to be written over.
type memoEntry struct {
	tree parser.Expr
	mu   sync.Mutex
	free []*arena
	lent int
}

// copy returns a copy of the tree, written in a free arena if there is one.
func (e *memoEntry) copy() parser.Expr {
	a := e.take()
	c, _ := cloneExpr(e.tree, a) // the tree was cloned once already
	if a != nil {
		lend(c, e, a)
	}
	return c
}

// take returns a free arena, a new one, or nil when too many are lent.
func (e *memoEntry) take() *arena {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lent >= maxLent {
		return nil
	}
	e.lent++
	if n := len(e.free); n > 0 {
		a := e.free[n-1]
		e.free = e.free[:n-1]
		a.next = 0
		return a
	}
	return &arena{}
}

func (e *memoEntry) giveBack(a *arena) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lent--
	e.free = append(e.free, a)
}

// lending holds every copy lent to a query, by its root, for every
// parser: a server gives its query's tree back knowing only the statement.
var lending struct {
	mu sync.Mutex
	m  map[parser.Expr]lentCopy
}

type lentCopy struct {
	entry *memoEntry
	arena *arena
}

func lend(root parser.Expr, e *memoEntry, a *arena) {
	lending.mu.Lock()
	defer lending.mu.Unlock()
	if lending.m == nil {
		lending.m = map[parser.Expr]lentCopy{}
	}
	lending.m[root] = lentCopy{entry: e, arena: a}
}

// giveBackTree frees the copy of a remembered tree the statement's query
// evaluated, to be written over by the next query of its text. Call it
// once the query is closed: nothing may read the tree afterwards. A tree
// not lent (parsed anew, or whose root the engine replaced) is left alone.
func giveBackTree(stmt parser.Statement) {
	es, ok := stmt.(*parser.EvalStmt)
	if !ok {
		return
	}
	root := es.Expr
	if s, ok := root.(*parser.StepInvariantExpr); ok { // the engine's wrapper: a parsed tree has none
		root = s.Expr
	}
	lending.mu.Lock()
	l, ok := lending.m[root]
	if ok {
		delete(lending.m, root)
	}
	lending.mu.Unlock()
	if ok {
		l.entry.giveBack(l.arena)
	}
}

// arena holds the nodes, slices and pointers of one copy of a tree, in
// the order cloneExpr makes them: copying the same tree into it again
// writes over each in turn. A nil arena allocates every one anew.
type arena struct {
	items []any
	next  int
}

// alloc returns the arena's next *T, or a new one.
func alloc[T any](a *arena) *T {
	if a == nil {
		return new(T)
	}
	if a.next < len(a.items) {
		p := a.items[a.next].(*T) // the same tree makes the same types in the same order
		a.next++
		return p
	}
	p := new(T)
	a.items = append(a.items, p)
	a.next++
	return p
}

// copyOf is slices.Clone in the arena.
func copyOf[S ~[]E, E any](a *arena, s S) S {
	if s == nil {
		return nil
	}
	p := alloc[S](a)
	*p = append((*p)[:0], s...)
	if *p == nil {
		*p = s[:0:0] // empty, not nil, as slices.Clone leaves it
	}
	return *p
}

// cloneExpr copies a parsed expression down to its leaves into a,
// sharing only what neither the parser nor the engine changes once built:
// label matchers (and their compiled regular expressions) and function
// definitions. ok is false for a node type it does not know.
func cloneExpr(e parser.Expr, a *arena) (c parser.Expr, ok bool) {
	switch n := e.(type) {
	case nil:
		return nil, true
	case *parser.NumberLiteral:
		x := alloc[parser.NumberLiteral](a)
		*x = *n
		return x, true
	case *parser.StringLiteral:
		x := alloc[parser.StringLiteral](a)
		*x = *n
		return x, true
	case *parser.VectorSelector:
		return cloneVectorSelector(n, a)
	case *parser.MatrixSelector:
		x := alloc[parser.MatrixSelector](a)
		*x = *n
		return x, cloneInto(&x.VectorSelector, a) && cloneDuration(&x.RangeExpr, a)
	case *parser.SubqueryExpr:
		x := alloc[parser.SubqueryExpr](a)
		*x = *n
		x.Timestamp = clonePtr(n.Timestamp, a)
		return x, cloneInto(&x.Expr, a) && cloneDuration(&x.RangeExpr, a) &&
			cloneDuration(&x.OriginalOffsetExpr, a) && cloneDuration(&x.StepExpr, a)
	case *parser.AggregateExpr:
		x := alloc[parser.AggregateExpr](a)
		*x = *n
		x.Grouping = copyOf(a, n.Grouping)
		return x, cloneInto(&x.Expr, a) && cloneInto(&x.Param, a)
	case *parser.BinaryExpr:
		x := alloc[parser.BinaryExpr](a)
		*x = *n
		x.VectorMatching = cloneMatching(n.VectorMatching, a)
		return x, cloneInto(&x.LHS, a) && cloneInto(&x.RHS, a)
	case *parser.DurationExpr:
		x := alloc[parser.DurationExpr](a)
		*x = *n
		return x, cloneInto(&x.LHS, a) && cloneInto(&x.RHS, a)
	case *parser.Call:
		x := alloc[parser.Call](a)
		*x = *n
		x.Args = copyOf(a, n.Args)
		ok := true
		for i := range x.Args {
			ok = ok && cloneInto(&x.Args[i], a)
		}
		return x, ok
	case *parser.ParenExpr:
		x := alloc[parser.ParenExpr](a)
		*x = *n
		return x, cloneInto(&x.Expr, a)
	case *parser.UnaryExpr:
		x := alloc[parser.UnaryExpr](a)
		*x = *n
		return x, cloneInto(&x.Expr, a)
	case *parser.StepInvariantExpr:
		x := alloc[parser.StepInvariantExpr](a)
		*x = *n
		return x, cloneInto(&x.Expr, a)
	}
	return nil, false
}

func cloneVectorSelector(n *parser.VectorSelector, a *arena) (parser.Expr, bool) {
	x := alloc[parser.VectorSelector](a)
	*x = *n
	x.LabelMatchers = copyOf(a, n.LabelMatchers)
	x.Timestamp = clonePtr(n.Timestamp, a)
	// A parsed tree has no series yet; one the engine filled is not copied.
	return x, n.Series == nil && n.UnexpandedSeriesSet == nil && cloneDuration(&x.OriginalOffsetExpr, a)
}

// cloneInto replaces *e by its copy.
func cloneInto(e *parser.Expr, a *arena) bool {
	c, ok := cloneExpr(*e, a)
	*e = c
	return ok
}

// cloneDuration replaces *d, if set, by its copy.
func cloneDuration(d **parser.DurationExpr, a *arena) bool {
	if *d == nil {
		return true
	}
	c, ok := cloneExpr(*d, a)
	*d, _ = c.(*parser.DurationExpr)
	return ok
}

func cloneMatching(m *parser.VectorMatching, a *arena) *parser.VectorMatching {
	if m == nil {
		return nil
	}
	x := alloc[parser.VectorMatching](a)
	*x = *m
	x.MatchingLabels = copyOf(a, m.MatchingLabels)
	x.Include = copyOf(a, m.Include)
	x.FillValues.LHS = clonePtr(m.FillValues.LHS, a)
	x.FillValues.RHS = clonePtr(m.FillValues.RHS, a)
	return x
}

// clonePtr copies what p points to, if anything.
func clonePtr[T any](p *T, a *arena) *T {
	if p == nil {
		return nil
	}
	x := alloc[T](a)
	*x = *p
	return x
}
