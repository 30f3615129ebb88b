// Reads: which series a set of queries can select, so that a feed writes
// only those and the TSDB is spared samples no query would ever read.

package prom

import (
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Reads says which series the queries can read: a series is read when it
// matches every matcher of one of their vector selectors. A query's answer
// depends only on the series its selectors match, so a server holding just
// those answers every one of the queries as a server holding more does.
// ok is false when a query does not parse: then nothing can be ruled out.
func Reads(queries []string) (read func(labels.Labels) bool, ok bool) {
	var sels [][]*labels.Matcher
	for _, q := range queries {
		expr, err := parser.NewParser(parser.Options{}).ParseExpr(q)
		if err != nil {
			return nil, false
		}
		sels = append(sels, parser.ExtractSelectors(expr)...)
	}
	return func(l labels.Labels) bool {
		for _, ms := range sels {
			if matchesAll(ms, l) {
				return true
			}
		}
		return false
	}, true
}

func matchesAll(ms []*labels.Matcher, l labels.Labels) bool {
	for _, m := range ms {
		if !m.Matches(l.Get(m.Name)) {
			return false
		}
	}
	return true
}
