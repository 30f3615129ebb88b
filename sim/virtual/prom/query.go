// This file is the read side: instant and range queries through
// Prometheus's own engine, within the query budgets, in a stable order.

package prom

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/rehearse-dev/rehearse/engine/metrics/budget"
)

// Query evaluates an instant query at the given time, as /api/v1/query does.
// The value is a promql.Vector, promql.Scalar, promql.String or (for a range
// selector such as `x[5m]`) promql.Matrix, and stays valid after the call.
// Warnings and infos are dropped; the HTTP API reports them.
func (s *Server) Query(ctx context.Context, q string, at time.Time) (parser.Value, error) {
	var v parser.Value
	err := s.evaluate(ctx, instant(q, at, nil), func(qry promql.Query, res *promql.Result) {
		v = detach(res.Value)
	})
	if err != nil {
		return nil, fmt.Errorf("query %q at %s: %w", q, at.UTC().Format(time.RFC3339Nano), err)
	}
	return v, nil
}

// QueryRange evaluates a range query, as /api/v1/query_range does.
func (s *Server) QueryRange(ctx context.Context, q string, start, end time.Time, step time.Duration) (promql.Matrix, error) {
	var m promql.Matrix
	err := s.evaluate(ctx, ranged(q, start, end, step, nil), func(qry promql.Query, res *promql.Result) {
		m, _ = detach(res.Value).(promql.Matrix)
	})
	if err != nil {
		return nil, fmt.Errorf("range query %q from %s to %s: %w", q, start.UTC().Format(time.RFC3339Nano), end.UTC().Format(time.RFC3339Nano), err)
	}
	return m, nil
}

// newQueryFunc creates one query against the current store.
type newQueryFunc func(ctx context.Context, ng *promql.Engine, st *store) (promql.Query, error)

func instant(q string, at time.Time, opts promql.QueryOpts) newQueryFunc {
	return func(ctx context.Context, ng *promql.Engine, st *store) (promql.Query, error) {
		if err := checkInstant(q); err != nil {
			return nil, err
		}
		return ng.NewInstantQuery(ctx, st, opts, q, at)
	}
}

func ranged(q string, start, end time.Time, step time.Duration, opts promql.QueryOpts) newQueryFunc {
	return func(ctx context.Context, ng *promql.Engine, st *store) (promql.Query, error) {
		if err := budget.Check(q, end.Sub(start)); err != nil {
			return nil, err
		}
		return ng.NewRangeQuery(ctx, st, opts, q, start, end, step)
	}
}

// instantVerdicts memoises budget.Check for instant queries by their text.
// The verdict depends on the text alone, and a rehearsal asks the same
// rendered queries at every tick (sweeps thousands of times), so without it
// each query would be parsed twice per tick: once here, once by the engine.
var instantVerdicts textMemo[error]

func checkInstant(q string) error {
	return instantVerdicts.get(q, func(q string) error { return budget.Check(q, 0) })
}

// queryError is a query that could not be created: the query text (or an
// option) is wrong, which the HTTP API reports as bad_data.
type queryError struct{ err error }

func (e queryError) Error() string { return e.err.Error() }
func (e queryError) Unwrap() error { return e.err }

// evaluate creates and runs one query and hands a successful result, put in
// a deterministic order, to use before the query's memory is recycled. An
// evaluation error is returned as the engine reported it.
func (s *Server) evaluate(ctx context.Context, newQuery newQueryFunc, use func(promql.Query, *promql.Result)) error {
	return s.withStore(func(st *store) error {
		qry, err := newQuery(ctx, s.engine, st)
		if err != nil {
			return queryError{err}
		}
		defer closeQuery(qry)
		if err := s.observe(qry.Statement()); err != nil {
			return err
		}
		res := qry.Exec(ctx)
		if res.Err != nil {
			return res.Err
		}
		if v, ok := res.Value.(promql.Vector); ok && !ordersItself(qry.Statement()) {
			sortVector(v)
		}
		use(qry, res)
		return nil
	})
}

// closeQuery closes the query and then gives its tree back to the
// parser's memo, for the next query of its text to write over.
func closeQuery(qry promql.Query) {
	stmt := qry.Statement()
	qry.Close()
	giveBackTree(stmt)
}

// orderingFuncs are the functions whose result order is the answer's point
// (sort_by_label and sort_by_label_desc are experimental, off as on a stock
// server).
var orderingFuncs = map[string]bool{"sort": true, "sort_desc": true}

// ordersItself reports whether the query's outermost operation fixes the
// order of its result, which must then be kept.
func ordersItself(stmt parser.Statement) bool {
	es, ok := stmt.(*parser.EvalStmt)
	if !ok {
		return false
	}
	e := es.Expr
	for {
		switch n := e.(type) {
		case *parser.ParenExpr:
			e = n.Expr
		case *parser.StepInvariantExpr:
			e = n.Expr
		case *parser.Call:
			return orderingFuncs[n.Func.Name]
		default:
			return false
		}
	}
}

// sortVector orders samples by their labels. The engine leaves an instant
// vector in storage order, which follows the order series were first
// appended; sorting makes answers independent of it.
func sortVector(v promql.Vector) {
	slices.SortStableFunc(v, func(a, b promql.Sample) int { return labels.Compare(a.Metric, b.Metric) })
}

// detach copies the parts of a value the engine recycles when its query is
// closed (a matrix's point slices, histograms).
func detach(v parser.Value) parser.Value {
	switch x := v.(type) {
	case promql.Matrix:
		return detachMatrix(x)
	case promql.Vector:
		return detachVector(x)
	}
	return v
}

func detachMatrix(m promql.Matrix) promql.Matrix {
	out := make(promql.Matrix, len(m))
	for i, series := range m {
		out[i] = promql.Series{Metric: series.Metric, Floats: slices.Clone(series.Floats)}
		for _, p := range series.Histograms {
			out[i].Histograms = append(out[i].Histograms, promql.HPoint{T: p.T, H: p.H.Copy()})
		}
	}
	return out
}

func detachVector(v promql.Vector) promql.Vector {
	out := slices.Clone(v)
	for i := range out {
		if out[i].H != nil {
			out[i].H = out[i].H.Copy()
		}
	}
	return out
}
