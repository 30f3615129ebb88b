// This file tests the remembered parser: its copies share nothing the
// engine writes, and queries answered from a remembered text answer as
// freshly parsed ones do.

package prom

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// everyNode holds, between them, every node type cloneExpr copies; the
// experimental syntax (duration expressions, fill modifiers) needs a
// parser with it turned on.
var everyNode = []string{
	`sum by (le) (rate(http_requests_total{code=~"5..",job!="x"}[5m] offset 1m))`,
	`histogram_quantile(0.99, sum(rate(x_bucket{a="b"}[1m])) by (le))`,
	`x @ 100`,
	`x @ end()`,
	`max_over_time(rate(x[5m])[30m:1m] @ start() offset 2m)`,
	`-x + (y)`,
	`x / on(a) group_left(b) y`,
	`x > bool 1`,
	`topk(3, x) or count_values("v", x)`,
	`label_replace(x, "a", "$1", "b", "(.*)")`,
	`time() - 1`,
	`"s"`,
	`x offset (1h / 2)`,
	`rate(x[5m * 2])`,
	`x[10m:step()]`,
	`x + fill(0) y`,
	`x + fill_left(1) fill_right(2) y`,
}

func experimentalParser() parser.Parser {
	return parser.NewParser(parser.Options{ExperimentalDurationExpr: true, EnableBinopFillModifiers: true})
}

func TestCloneExprSharesNothingTheEngineWrites(t *testing.T) {
	p := experimentalParser()
	for _, q := range everyNode {
		orig, err := p.ParseExpr(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		c, ok := cloneExpr(orig, nil)
		if !ok {
			t.Fatalf("%s: cloneExpr does not know one of its nodes", q)
		}
		if c.String() != orig.String() {
			t.Errorf("%s: copy reads %s", q, c.String())
		}
		if !reflect.DeepEqual(c, orig) {
			t.Errorf("%s: copy differs from the parsed tree", q)
		}
		mine := map[uintptr]string{}
		pointers(reflect.ValueOf(orig), mine)
		theirs := map[uintptr]string{}
		pointers(reflect.ValueOf(c), theirs)
		for p, what := range theirs {
			if _, shared := mine[p]; shared {
				t.Errorf("%s: the copy shares a %s with the parsed tree", q, what)
			}
		}
	}
}

// sharedTypes are what a copy may share: built once by the parser, only
// ever read.
var sharedTypes = map[reflect.Type]bool{
	reflect.TypeFor[*labels.Matcher]():  true,
	reflect.TypeFor[*parser.Function](): true,
}

// pointers records every pointer and non-empty slice reachable from v,
// but for those of sharedTypes.
func pointers(v reflect.Value, seen map[uintptr]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || sharedTypes[v.Type()] {
			return
		}
		if _, ok := seen[v.Pointer()]; ok {
			return
		}
		seen[v.Pointer()] = v.Type().String()
		pointers(v.Elem(), seen)
	case reflect.Interface:
		if !v.IsNil() {
			pointers(v.Elem(), seen)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			pointers(v.Field(i), seen)
		}
	case reflect.Slice:
		if v.Len() == 0 { // a copy appended to reallocates
			return
		}
		seen[v.Pointer()] = v.Type().String()
		for i := range v.Len() {
			pointers(v.Index(i), seen)
		}
	}
}

// TestRememberedQueriesAnswerAsParsedOnes asks each query at two times,
// and again at the first, on a server that remembers its texts, and
// compares every answer with one from a server with the plain parser. A
// tree the engine wrote into (@ end() resolved, a subquery's offset set)
// and then handed out again would answer the second time from the first.
func TestRememberedQueriesAnswerAsParsedOnes(t *testing.T) {
	series := [][2]string{
		{`x{a="1",b="p"}`, "0+1x80"}, {`x{a="2",b="q"}`, "5+3x80"},
		{`y{a="1"}`, "2+2x80"}, {`y{a="2"}`, "1x80"},
		{`x_bucket{a="b",le="0.1"}`, "0+1x80"}, {`x_bucket{a="b",le="+Inf"}`, "0+4x80"},
		{`http_requests_total{code="500",job="y"}`, "0+2x80"},
	}
	remembering := newTestServer(t, Options{}, t0)
	load(t, remembering, series...)
	plain := newTestServer(t, Options{}, t0)
	load(t, plain, series...)
	plain.engine = newEngine(plain.opts, plain.parser)
	ctx := context.Background()
	times := []time.Time{t0.Add(10 * time.Minute), t0.Add(17 * time.Minute), t0.Add(10 * time.Minute)}
	for _, q := range everyNode[:12] { // the experimental syntax is off, as on a stock server
		for _, at := range times {
			want, wantErr := plain.Query(ctx, q, at)
			got, err := remembering.Query(ctx, q, at)
			if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
				t.Fatalf("%s at %s: error %v, a fresh parse's %v", q, at, err, wantErr)
			}
			if err == nil && got.String() != want.String() {
				t.Errorf("%s at %s:\n%s\na fresh parse answers\n%s", q, at, got, want)
			}
		}
	}
}

// TestGivenBackCopiesAreWrittenOverFresh: once a query is evaluated (the
// engine writing into its copy: series, offsets, step-invariant wrappers,
// @ start() resolved) and closed, the next query of its text gets the
// same copy back, written over to equal the parsed tree and share nothing
// with it; a query the engine refused gets a copy of its own.
func TestGivenBackCopiesAreWrittenOverFresh(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	load(t, s, [2]string{`x{a="1"}`, "0+1x80"}, [2]string{`y{a="1"}`, "2+2x80"},
		[2]string{`x_bucket{a="b",le="0.1"}`, "0+1x80"}, [2]string{`http_requests_total{code="500",job="y"}`, "0+2x80"})
	mp := newMemoParser(experimentalParser())
	s.engine = newEngine(s.opts, mp)
	ctx := context.Background()
	for _, q := range everyNode {
		if strings.Contains(q, "step()") {
			continue // no instant query: its step is 0
		}
		var roots []parser.Expr
		for _, at := range []time.Time{t0.Add(10 * time.Minute), t0.Add(17 * time.Minute)} {
			qry, err := s.engine.NewInstantQuery(ctx, s.store, nil, q, at)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			roots = append(roots, rootOf(qry.Statement()))
			if res := qry.Exec(ctx); res.Err != nil {
				t.Fatalf("%s: %v", q, res.Err)
			}
			closeQuery(qry)
		}
		if roots[0] != roots[1] {
			t.Errorf("%s: the second query got a new copy, not the one given back", q)
		}
		again, err := mp.ParseExpr(q)
		if err != nil {
			t.Fatal(err)
		}
		if again != roots[0] {
			t.Errorf("%s: a third copy is not the one given back", q)
		}
		// Compared with the remembered tree, whose matchers the copies share:
		// a regular expression's matcher changes as it is used.
		parsed := mp.exprs.m[q].tree
		if !reflect.DeepEqual(again, parsed) {
			t.Errorf("%s: the copy written over differs from the parsed tree: %s", q, again)
		}
		mine, theirs := map[uintptr]string{}, map[uintptr]string{}
		pointers(reflect.ValueOf(parsed), mine)
		pointers(reflect.ValueOf(again), theirs)
		for p, what := range theirs {
			if _, shared := mine[p]; shared {
				t.Errorf("%s: the copy written over shares a %s with the remembered tree", q, what)
			}
		}
		giveBackTree(&parser.EvalStmt{Expr: again})
	}
	// A query refused after parsing never gives its copy back: past maxLent
	// of them, each gets a copy of its own.
	q := `sum(x) by (a)`
	var lent []parser.Expr
	for range maxLent + 2 {
		c, err := mp.ParseExpr(q)
		if err != nil {
			t.Fatal(err)
		}
		lent = append(lent, c)
	}
	if e := mp.exprs.m[q]; e.lent != maxLent || len(e.free) != 0 {
		t.Errorf("%d copies lent and %d free, want %d and none", e.lent, len(e.free), maxLent)
	}
	for _, c := range lent {
		giveBackTree(&parser.EvalStmt{Expr: c})
	}
	if e := mp.exprs.m[q]; e.lent != 0 || len(e.free) != maxLent {
		t.Errorf("given back: %d copies lent and %d free, want none and %d", e.lent, len(e.free), maxLent)
	}
}

// rootOf is the tree a statement evaluates, without the engine's wrapper.
func rootOf(stmt parser.Statement) parser.Expr {
	e := stmt.(*parser.EvalStmt).Expr
	if s, ok := e.(*parser.StepInvariantExpr); ok {
		return s.Expr
	}
	return e
}
