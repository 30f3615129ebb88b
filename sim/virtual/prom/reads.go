// Reads: which series a set of queries can select, and how far back, so
// that a feed writes only those and the TSDB is spared samples no query
// would ever read.

package prom

import (
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Reads says which series the queries can read: a series is read when it
// matches every matcher of one of their vector selectors. A query's answer
// depends only on the series its selectors match, so a server holding just
// those answers every one of the queries as a server holding more does.
// ok is false when a query does not parse: then nothing can be ruled out.
func Reads(queries []string) (read func(labels.Labels) bool, ok bool) {
	sels, ok := selectorsOf(queries, false)
	if !ok {
		return nil, false
	}
	return func(l labels.Labels) bool {
		for _, s := range sels {
			if matchesAll(s.matchers, l) {
				return true
			}
		}
		return false
	}, true
}

// Reaches says how far before its evaluation time any of the queries can
// read a series: the longest Reach of the queries with a selector the
// series matches (0 for a series none reads). A query evaluated at T reads
// no sample at or before T minus that, so a feed whose next query is at
// T may leave such samples out and change no answer then or later. ok is
// false when a query does not parse or pins a time with @.
func Reaches(queries []string) (reach func(labels.Labels) time.Duration, ok bool) {
	sels, ok := selectorsOf(queries, true)
	if !ok {
		return nil, false
	}
	return func(l labels.Labels) time.Duration {
		var d time.Duration
		for _, s := range sels {
			if s.reach > d && matchesAll(s.matchers, l) {
				d = s.reach
			}
		}
		return d
	}, true
}

// selector is one vector selector's matchers, with the reach of its query.
type selector struct {
	matchers []*labels.Matcher
	reach    time.Duration
}

// selectorsOf lists the queries' vector selectors, and with reach, the
// reach of each one's query.
func selectorsOf(queries []string, reach bool) ([]selector, bool) {
	var sels []selector
	for _, q := range queries {
		in, ok := inspect(q)
		if !ok || (reach && !in.bounded) {
			return nil, false
		}
		for _, ms := range in.selectors {
			sels = append(sels, selector{matchers: ms, reach: in.reach})
		}
	}
	return sels, true
}

// inspected is what Reads and Reaches need of one query.
type inspected struct {
	selectors [][]*labels.Matcher
	reach     time.Duration
	bounded   bool
}

// inspections memoises parseInspect by query text: every rehearsal of a
// sweep (and of a library's scenarios sharing templates) asks about the
// same queries, and parsing them was most of a feeder's setup. Matchers
// are only read, so rehearsals on other goroutines share them.
var inspections textMemo[inspected]

// inspect parses q once; ok is false when it does not parse.
func inspect(q string) (inspected, bool) {
	in := inspections.get(q, parseInspect)
	return in, in.selectors != nil
}

// parseInspect is what Reads and Reaches need of q; no selectors when q
// does not parse.
func parseInspect(q string) inspected {
	var in inspected
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(q)
	if err == nil {
		in.reach, in.bounded = reachOf(expr)
		in.selectors = append([][]*labels.Matcher{}, parser.ExtractSelectors(expr)...)
	}
	return in
}

func matchesAll(ms []*labels.Matcher, l labels.Labels) bool {
	for _, m := range ms {
		if !m.Matches(l.Get(m.Name)) {
			return false
		}
	}
	return true
}
