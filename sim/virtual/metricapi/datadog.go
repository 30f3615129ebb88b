// This file parses Datadog metric queries into the measures the stand-in
// answers, with Datadog's rollup and step rules.

package metricapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Datadog stand-in answers GET /api/v1/query (query, from, to: Unix
// seconds) with a time_series document, and GET /api/v1/validate. A query
// is arithmetic over metric queries such as
// sum:trace.http.request.errors{service:podinfo-canary}.as_count(), with
// default_zero() and abs() around them.

// datadogRollup is the bucket Datadog's API uses for a window of up to
// the given length, unless .rollup() asks for a longer one.
var datadogRollup = []struct{ upTo, step time.Duration }{
	{time.Hour, 20 * time.Second}, {4 * time.Hour, time.Minute}, {24 * time.Hour, 5 * time.Minute},
	{48 * time.Hour, 10 * time.Minute}, {7 * 24 * time.Hour, time.Hour},
}

func datadogStep(length, asked time.Duration) time.Duration {
	step := 4 * time.Hour
	for _, r := range datadogRollup {
		if length <= r.upTo {
			step = r.step
			break
		}
	}
	return max(step, asked)
}

// ddQuery is a compiled Datadog query and the longest rollup it asks for.
type ddQuery struct {
	root   node
	rollup time.Duration
}

type ddParser struct {
	sc     *scanner
	names  Names
	rollup time.Duration
}

func compileDatadog(query string, names Names) (ddQuery, error) {
	p := &ddParser{sc: &scanner{s: query}, names: names}
	root, err := arithmetic{sc: p.sc, operand: p.operand}.expr()
	if err == nil && !p.sc.done() {
		err = p.sc.errorf("unexpected text after the query")
	}
	return ddQuery{root: root, rollup: p.rollup}, err
}

// operand is a function call or a metric query.
func (p *ddParser) operand() (node, error) {
	name := p.sc.ident()
	if name == "" {
		return nil, p.sc.errorf("expected a metric query, a number or a function")
	}
	if p.sc.eat("(") {
		return p.function(name)
	}
	agg := "avg"
	if p.sc.eat(":") {
		agg, name = strings.ToLower(name), p.sc.ident()
	}
	return p.metric(agg, name)
}

func (p *ddParser) function(name string) (node, error) {
	arg, err := arithmetic{sc: p.sc, operand: p.operand}.expr()
	if err != nil {
		return nil, err
	}
	if err := p.sc.expect(")"); err != nil {
		return nil, err
	}
	switch name {
	case "default_zero":
		return mapNode{arg: arg, f: func(s series, w window) series { return s.filled(w, 0) }}, nil
	case "abs":
		return mapNode{arg: arg, f: func(s series, _ window) series { return s.mapPoints(math.Abs) }}, nil
	}
	return nil, unmapped("the function %s() is not one the stand-in evaluates (default_zero, abs)", name)
}

// metric reads {tags}, an optional "by {tags}", and methods, and maps the
// whole to a measure.
func (p *ddParser) metric(agg, name string) (node, error) {
	if err := p.sc.expect("{"); err != nil {
		return nil, err
	}
	scope, err := p.sc.balanced('{', '}')
	if err != nil {
		return nil, err
	}
	grouped := false
	if p.sc.eat("by") {
		if err := p.sc.expect("{"); err != nil {
			return nil, err
		}
		if _, err := p.sc.balanced('{', '}'); err != nil {
			return nil, err
		}
		grouped = true
	}
	stat, err := p.methods()
	if err != nil {
		return nil, err
	}
	m, err := p.measure(agg, name, scope, stat)
	if err == nil && grouped && m.Roles.Primary && m.Roles.Canary {
		err = unmapped("%s is grouped by a tag over both versions: which series Datadog lists first is not known", name)
	}
	return measureNode{m: m}, err
}

// methods reads .as_count(), .as_rate(), .rollup(agg[, seconds]) and
// .fill(...); the statistic of a count is its sum per bucket unless
// .as_rate() asks for a rate.
func (p *ddParser) methods() (StatKind, error) {
	kind := Count
	for p.sc.eat(".") {
		m := p.sc.ident()
		if err := p.sc.expect("("); err != nil {
			return kind, err
		}
		args, err := p.sc.balanced('(', ')')
		if err != nil {
			return kind, err
		}
		switch m {
		case "as_count", "fill", "weighted":
		case "as_rate":
			kind = Rate
		case "rollup":
			p.readRollup(args)
		default:
			return kind, unmapped("the method .%s() is not one the stand-in evaluates", m)
		}
	}
	return kind, nil
}

func (p *ddParser) readRollup(args string) {
	parts := splitTop(args, ',')
	if len(parts) < 2 {
		return
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(parts[len(parts)-1])); err == nil {
		p.rollup = max(p.rollup, time.Duration(secs)*time.Second)
	}
}

// measure maps a metric name, its space aggregator and its scope to what
// the traffic model measures.
func (p *ddParser) measure(agg, name, scope string, stat StatKind) (Measure, error) {
	sel := newSelection()
	for _, f := range datadogFilters(scope) {
		sel.add(p.names.judge(f.key, f.written, f.match))
	}
	if why := sel.problem(p.names); why != "" {
		return Measure{}, unmapped("%s{%s}: %s", name, oneLine(scope), why)
	}
	m := Measure{Roles: sel.roles, Class: sel.class, Stat: Stat{Kind: stat}}
	if q, ok := percentileAgg(agg); ok {
		m.Stat = Stat{Kind: Quantile, Q: q, Unit: unitOfName(name)}
		return m, nil
	}
	switch kindOfName(name) {
	case latencyMeasure:
		if agg != "avg" {
			return m, unmapped("%s:%s: only avg or a percentile (p50...p99) of a latency is rehearsed", agg, name)
		}
		m.Stat = Stat{Kind: Mean, Unit: unitOfName(name)}
	case errorsMeasure:
		m.Class = m.Class.and(Class{Errors: true})
	case requestsMeasure:
	default:
		return m, unmapped("%s is neither a request count, an error count nor a latency", name)
	}
	if agg != "sum" && m.Roles.Primary && m.Roles.Canary {
		return m, unmapped("%s:%s over both versions: only sum is rehearsed", agg, name)
	}
	return m, nil
}

// percentileAgg reads p50, p95, p99, p99.9...
func percentileAgg(agg string) (float64, bool) {
	if !strings.HasPrefix(agg, "p") {
		return 0, false
	}
	v, err := strconv.ParseFloat(agg[1:], 64)
	if err != nil || v <= 0 || v >= 100 {
		return 0, false
	}
	return v / 100, true
}

// tagFilter is one filter of a scope.
type tagFilter struct {
	key, written string
	match        matcher
}

// datadogFilters reads a scope: comma- or AND-separated key:value tags,
// negated with ! or NOT, values with * wildcards or IN (a, b). * alone
// selects everything.
func datadogFilters(scope string) []tagFilter {
	var out []tagFilter
	for _, part := range splitTop(scope, ',') {
		for _, item := range strings.Split(part, " AND ") {
			if f, ok := datadogFilter(strings.TrimSpace(item)); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

func datadogFilter(item string) (tagFilter, bool) {
	negate := false
	switch {
	case strings.HasPrefix(item, "!"):
		negate, item = true, strings.TrimSpace(item[1:])
	case strings.HasPrefix(item, "NOT "):
		negate, item = true, strings.TrimSpace(item[4:])
	}
	if item == "" || item == "*" {
		return tagFilter{}, false
	}
	var f tagFilter
	if key, list, ok := strings.Cut(item, " IN "); ok {
		var ms []matcher
		for _, v := range strings.Split(strings.Trim(strings.TrimSpace(list), "()"), ",") {
			ms = append(ms, glob(strings.TrimSpace(v)))
		}
		f = tagFilter{key: strings.TrimSpace(key), written: list, match: anyOf(ms...)}
	} else {
		key, value, _ := strings.Cut(item, ":")
		f = tagFilter{key: key, written: value, match: glob(value)}
	}
	if negate {
		f.match = not(f.match)
	}
	return f, true
}

// datadog serves /api/v1/query and /api/v1/validate.
func (s *Server) datadog(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("DD-API-KEY") == "" || r.Header.Get("DD-APPLICATION-KEY") == "" {
		writeJSON(w, http.StatusForbidden, map[string]any{"errors": []string{"Forbidden"}})
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/api/v1/validate"):
		writeJSON(w, http.StatusOK, map[string]any{"valid": true})
	case strings.HasSuffix(r.URL.Path, "/api/v1/query"):
		s.datadogQuery(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"errors": []string{"Not found"}})
	}
}

func (s *Server) datadogQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, errFrom := strconv.ParseInt(q.Get("from"), 10, 64)
	to, errTo := strconv.ParseInt(q.Get("to"), 10, 64)
	if errFrom != nil || errTo != nil || to < from {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []string{"Invalid from or to: give Unix seconds, from before to"}})
		return
	}
	query := q.Get("query")
	answer := map[string]any{"status": "ok", "res_type": "time_series", "query": query, "from_date": from * 1000, "to_date": to * 1000,
		"series": []any{}, "message": "", "group_by": []string{}}
	c, err := compileDatadog(query, s.names)
	switch {
	case isUnmapped(err):
		s.note("datadog", query, err)
		writeJSON(w, http.StatusOK, answer)
		return
	case err != nil:
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []string{"Error parsing query: " + err.Error()}})
		return
	}
	win := window{from: time.Unix(from, 0), to: time.Unix(to, 0)}
	win.step = datadogStep(win.to.Sub(win.from), c.rollup)
	res := c.root.eval(s.Recorder, win)
	if pts := datadogPoints(res, win); len(pts) > 0 {
		answer["series"] = []any{map[string]any{"metric": oneLine(query), "expression": oneLine(query), "scope": "*",
			"interval": int(win.step.Seconds()), "length": len(pts), "pointlist": pts, "aggr": nil, "unit": nil}}
	}
	writeJSON(w, http.StatusOK, answer)
}

// datadogPoints lists [ms, value] in time order; a scalar query has a
// point in every bucket.
func datadogPoints(s series, w window) [][2]float64 {
	if s.scalar {
		s = series{points: map[int64]float64{}}.filled(w, s.value)
	}
	var out [][2]float64
	for _, t := range s.sorted() {
		out = append(out, [2]float64{float64(t * 1000), s.points[t]})
	}
	return out
}
