// This file checks a PromQL query against the query budget before it is
// evaluated: its size, its nesting and the points its subqueries hold.

package budget

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"
)

const (
	// MaxQueryBytes bounds a query's text, rendered or sent (64 KiB).
	MaxQueryBytes = 64 << 10
	// MaxNesting bounds how deeply parentheses, brackets and braces nest:
	// the parser's time grows with it, and no real query nests 200 deep.
	MaxNesting = 200
	// MaxSubqueryPoints bounds the steps one series' subqueries evaluate,
	// multiplied through nesting: the HTTP API's own limit of 11,000 points
	// per series for a range query.
	MaxSubqueryPoints = 11_000
	// DefaultSubqueryStep is the step of a subquery written without one, a
	// stock server's global evaluation_interval.
	DefaultSubqueryStep = time.Minute
)

// Exceeded is a query or a render over budget; its text names the budget.
type Exceeded struct{ Reason string }

func (e *Exceeded) Error() string { return e.Reason }

// over words an Exceeded error.
func over(format string, args ...any) error {
	return &Exceeded{Reason: fmt.Sprintf(format, args...)}
}

// IsExceeded reports whether err, or an error it wraps, is a budget's.
func IsExceeded(err error) bool {
	var e *Exceeded
	return errors.As(err, &e)
}

// CheckText refuses a query whose text alone is over budget, before it is
// parsed: too long or nested too deeply.
func CheckText(q string) error {
	if len(q) > MaxQueryBytes {
		return over("the query is %d bytes, over the query budget of %d bytes (64 KiB): shorten the query", len(q), MaxQueryBytes)
	}
	if d := nesting(q); d > MaxNesting {
		return over("the query nests %d levels deep, over the query budget of %d levels: flatten the expression", d, MaxNesting)
	}
	return nil
}

// Check refuses a query over budget. window is the span a range query
// covers (zero for an instant query): its subqueries are evaluated across it.
func Check(q string, window time.Duration) error {
	if err := CheckText(q); err != nil {
		return err
	}
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(q)
	if err != nil {
		return nil // the engine reports a query that does not parse, in its own words
	}
	return CheckExpr(expr, window)
}

// CheckExpr refuses a parsed query whose subqueries evaluate more than
// MaxSubqueryPoints steps per series.
func CheckExpr(expr parser.Expr, window time.Duration) error {
	worst, at := subqueryPoints(expr, window)
	if worst > MaxSubqueryPoints {
		return over("the subquery %s evaluates %s points per series, over the query budget of %d points: use a longer step (e.g. [%s:%s]) or a shorter range",
			at, countText(worst), MaxSubqueryPoints, model.Duration(at.Range), suggestedStep(at.Range))
	}
	return nil
}

// subqueryPoints is the largest product of subquery steps along any path
// from the root, and the innermost subquery of that path.
func subqueryPoints(expr parser.Expr, window time.Duration) (float64, *parser.SubqueryExpr) {
	var worst float64
	var at *parser.SubqueryExpr
	var walk func(n parser.Node, outer float64, window time.Duration)
	walk = func(n parser.Node, outer float64, window time.Duration) {
		if sq, ok := n.(*parser.SubqueryExpr); ok {
			outer *= steps(sq.Range+window, sq.Step)
			window = 0 // an inner subquery runs once per outer step
			if outer > worst {
				worst, at = outer, sq
			}
		}
		for _, c := range parser.Children(n) {
			walk(c, outer, window)
		}
	}
	walk(expr, 1, window)
	return worst, at
}

// steps is how many points a subquery of this range and step evaluates.
func steps(span, step time.Duration) float64 {
	if step <= 0 {
		step = DefaultSubqueryStep
	}
	return float64(span)/float64(step) + 1
}

// suggestedStep is a step that keeps a subquery of this range in budget.
func suggestedStep(r time.Duration) string {
	s := time.Duration(float64(r)/(MaxSubqueryPoints-1)) + time.Second
	return model.Duration(s.Truncate(time.Second)).String()
}

// countText writes a point count without an exponent.
func countText(n float64) string {
	if n >= 1e15 {
		return "more than 10^15"
	}
	return fmt.Sprintf("%.0f", n)
}

// nesting is the deepest nesting of (), [] and {} outside string literals.
func nesting(q string) int {
	depth, worst := 0, 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == '\\' && quote != '`' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
			worst = max(worst, depth)
		case c == ')' || c == ']' || c == '}':
			depth--
		}
	}
	return worst
}
