// This file remembers the parser's expressions by query text and hands the
// engine a deep copy of one for each query: a rehearsal asks the same few
// texts at every tick, and parsing one (its regular expressions compiled
// anew each time) cost as much as evaluating it.

package prom

import (
	"slices"

	"github.com/prometheus/prometheus/promql/parser"
)

// memoParser is Prometheus's parser with ParseExpr remembered. The engine
// writes into the tree it evaluates (the series it selected, offsets,
// step-invariant wrappers), so no two queries may share one: each gets its
// own copy, which costs a small part of parsing the text again.
type memoParser struct {
	parser.Parser
	exprs *textMemo[parser.Expr]
}

func newMemoParser(p parser.Parser) memoParser {
	return memoParser{Parser: p, exprs: &textMemo[parser.Expr]{}}
}

// ParseExpr returns what the parser returns for q. A text that does not
// parse, or whose tree holds a node cloneExpr does not know, is parsed
// every time: its error, or its tree, is then the parser's own.
func (p memoParser) ParseExpr(q string) (parser.Expr, error) {
	e := p.exprs.get(q, func(q string) parser.Expr {
		e, err := p.Parser.ParseExpr(q)
		if err != nil {
			return nil
		}
		if _, ok := cloneExpr(e); !ok {
			return nil
		}
		return e
	})
	if e == nil {
		return p.Parser.ParseExpr(q)
	}
	c, _ := cloneExpr(e)
	return c, nil
}

// cloneExpr copies a parsed expression down to its leaves, sharing only
// what neither the parser nor the engine changes once built: label
// matchers (and their compiled regular expressions) and function
// definitions. ok is false for a node type it does not know.
func cloneExpr(e parser.Expr) (c parser.Expr, ok bool) {
	switch n := e.(type) {
	case nil:
		return nil, true
	case *parser.NumberLiteral:
		x := *n
		return &x, true
	case *parser.StringLiteral:
		x := *n
		return &x, true
	case *parser.VectorSelector:
		return cloneVectorSelector(n)
	case *parser.MatrixSelector:
		x := *n
		return &x, cloneInto(&x.VectorSelector) && cloneDuration(&x.RangeExpr)
	case *parser.SubqueryExpr:
		x := *n
		x.Timestamp = clonePtr(n.Timestamp)
		return &x, cloneInto(&x.Expr) && cloneDuration(&x.RangeExpr) &&
			cloneDuration(&x.OriginalOffsetExpr) && cloneDuration(&x.StepExpr)
	case *parser.AggregateExpr:
		x := *n
		x.Grouping = slices.Clone(n.Grouping)
		return &x, cloneInto(&x.Expr) && cloneInto(&x.Param)
	case *parser.BinaryExpr:
		x := *n
		x.VectorMatching = cloneMatching(n.VectorMatching)
		return &x, cloneInto(&x.LHS) && cloneInto(&x.RHS)
	case *parser.DurationExpr:
		x := *n
		return &x, cloneInto(&x.LHS) && cloneInto(&x.RHS)
	case *parser.Call:
		x := *n
		x.Args = slices.Clone(n.Args)
		ok := true
		for i := range x.Args {
			ok = ok && cloneInto(&x.Args[i])
		}
		return &x, ok
	case *parser.ParenExpr:
		x := *n
		return &x, cloneInto(&x.Expr)
	case *parser.UnaryExpr:
		x := *n
		return &x, cloneInto(&x.Expr)
	case *parser.StepInvariantExpr:
		x := *n
		return &x, cloneInto(&x.Expr)
	}
	return nil, false
}

func cloneVectorSelector(n *parser.VectorSelector) (parser.Expr, bool) {
	x := *n
	x.LabelMatchers = slices.Clone(n.LabelMatchers)
	x.Timestamp = clonePtr(n.Timestamp)
	// A parsed tree has no series yet; one the engine filled is not copied.
	return &x, n.Series == nil && n.UnexpandedSeriesSet == nil && cloneDuration(&x.OriginalOffsetExpr)
}

// cloneInto replaces *e by its copy.
func cloneInto(e *parser.Expr) bool {
	c, ok := cloneExpr(*e)
	*e = c
	return ok
}

// cloneDuration replaces *d, if set, by its copy.
func cloneDuration(d **parser.DurationExpr) bool {
	if *d == nil {
		return true
	}
	c, ok := cloneExpr(*d)
	*d, _ = c.(*parser.DurationExpr)
	return ok
}

func cloneMatching(m *parser.VectorMatching) *parser.VectorMatching {
	if m == nil {
		return nil
	}
	x := *m
	x.MatchingLabels = slices.Clone(m.MatchingLabels)
	x.Include = slices.Clone(m.Include)
	x.FillValues.LHS = clonePtr(m.FillValues.LHS)
	x.FillValues.RHS = clonePtr(m.FillValues.RHS)
	return &x
}

// clonePtr copies what p points to, if anything.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	x := *p
	return &x
}
