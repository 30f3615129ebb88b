// This file parses New Relic NRQL queries into the measures the stand-in
// answers.

package metricapi

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The New Relic stand-in answers the Insights query API,
// GET /v1/accounts/{id}/query?nrql=..., with {"results": [{key: value}]}
// where the key is the one New Relic uses: "count" for count(), "average",
// "sum", "percentiles" ({"99": v}), and "result" for percentage() and for
// arithmetic between functions. It evaluates
//
//	SELECT <arithmetic over count(*), sum(x), average(x), percentile(x, N),
//	        percentage(count(*), WHERE ...), filter(f, WHERE ...)>
//	FROM <event type> [WHERE <conditions>] SINCE <n> <unit> ago
//
// over the one window the SINCE clause gives, by the stand-in's clock.

// nrql is a compiled NRQL query.
type nrql struct {
	root   node
	key    string // the result's key
	pctKey string // for percentiles: the percentile as written
	since  time.Duration
}

type nrqlParser struct {
	sc        *scanner
	names     Names
	eventType string
	where     selection
	metric    string // metricName = '...' of the WHERE clause
}

var selectAll = regexp.MustCompile(`(?i)^\s*SELECT\s+\*\s+FROM\s`)

// errNRQL marks a query New Relic itself refuses.
var errNRQL = errors.New("NRQL Syntax Error")

func nrqlError(err error) error { return errors.Join(errNRQL, err) }

func compileNRQL(query string, names Names) (nrql, error) {
	p := &nrqlParser{sc: &scanner{s: query}, names: names, where: newSelection()}
	if !p.sc.eat("SELECT") {
		return nrql{}, nrqlError(p.sc.errorf("a query starts with SELECT"))
	}
	selectStart := p.sc.pos
	if err := p.skipToFrom(); err != nil {
		return nrql{}, err
	}
	selectText := p.sc.s[selectStart:p.sc.pos]
	p.sc.eat("FROM")
	p.eventType = p.sc.ident()
	since, err := p.clauses()
	if err != nil {
		return nrql{}, err
	}
	out := nrql{since: since}
	sp := &nrqlParser{sc: &scanner{s: selectText}, names: names, eventType: p.eventType, where: p.where, metric: p.metric}
	out.root, out.key, out.pctKey, err = sp.selectList()
	return out, err
}

// skipToFrom moves to the FROM keyword outside brackets and quotes.
func (p *nrqlParser) skipToFrom() error {
	s := p.sc.s
	depth := 0
	var quote byte
	for i := p.sc.pos; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && (i == 0 || !isWordByte(s[i-1])) && len(s)-i >= 4 && strings.EqualFold(s[i:i+4], "FROM") &&
			(i+4 == len(s) || !isWordByte(s[i+4])):
			p.sc.pos = i
			return nil
		}
	}
	return nrqlError(p.sc.errorf("no FROM clause"))
}

// clauses reads WHERE, SINCE, UNTIL, LIMIT and AS; FACET, TIMESERIES
// and COMPARE WITH change the answer's shape and are not rehearsed.
func (p *nrqlParser) clauses() (time.Duration, error) {
	var since time.Duration
	for !p.sc.done() {
		switch {
		case p.sc.eat("WHERE"):
			if err := p.whereClause(); err != nil {
				return 0, err
			}
		case p.sc.eat("SINCE"):
			if since != 0 {
				return 0, nrqlError(p.sc.errorf("a second SINCE clause: Flagger appends \"SINCE <interval> seconds ago\" to every query, so the template must not have its own"))
			}
			d, err := p.ago()
			if err != nil {
				return 0, err
			}
			since = d
		case p.sc.eat("LIMIT"):
			p.sc.ident()
		case p.sc.eat("FACET"), p.sc.eat("TIMESERIES"), p.sc.eat("COMPARE"), p.sc.eat("UNTIL"):
			return 0, unmapped("FACET, TIMESERIES, COMPARE WITH and UNTIL change the answer's shape and are not rehearsed")
		default:
			return 0, nrqlError(p.sc.errorf("unexpected clause"))
		}
	}
	if since == 0 {
		since = time.Hour // New Relic's default window
	}
	return since, nil
}

// ago reads "<n> <unit> ago".
func (p *nrqlParser) ago() (time.Duration, error) {
	n, ok := p.sc.number()
	unit := strings.ToLower(p.sc.ident())
	if !ok || !p.sc.eat("ago") {
		return 0, nrqlError(p.sc.errorf("SINCE is read as \"<n> <unit> ago\""))
	}
	units := map[string]time.Duration{"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour}
	d, ok := units[strings.TrimSuffix(unit, "s")]
	if !ok {
		return 0, nrqlError(p.sc.errorf("%q is not a time unit", unit))
	}
	return time.Duration(n * float64(d)), nil
}

func (p *nrqlParser) whereClause() error {
	start := p.sc.pos
	end := len(p.sc.s)
	for _, kw := range []string{" SINCE ", " LIMIT ", " FACET ", " TIMESERIES ", " UNTIL ", " COMPARE "} {
		if i := strings.Index(strings.ToUpper(p.sc.s[start:]), kw); i >= 0 && start+i < end {
			end = start + i
		}
	}
	text := p.sc.s[start:end]
	p.sc.pos = end
	return p.conditions(text, &p.where)
}

// conditions reads AND-joined conditions into sel; OR is read only between
// conditions on one attribute.
func (p *nrqlParser) conditions(text string, sel *selection) error {
	for _, part := range splitWord(text, "AND") {
		key, m, written, err := p.condition(strings.TrimSpace(part))
		if err != nil {
			return err
		}
		if strings.EqualFold(key, "metricName") {
			p.metric = written
			continue
		}
		sel.add(p.names.judge(key, written, m))
	}
	return nil
}

// condition reads one condition, or an OR of conditions on one attribute,
// possibly negated or in parentheses.
func (p *nrqlParser) condition(text string) (string, matcher, string, error) {
	if strings.HasPrefix(text, "(") && strings.HasSuffix(text, ")") {
		text = text[1 : len(text)-1]
	}
	if rest, ok := cutWord(text, "NOT"); ok {
		k, m, w, err := p.condition(rest)
		return k, not(m), w, err
	}
	ors := splitWord(text, "OR")
	var (
		key string
		ms  []matcher
		ws  []string
	)
	for _, c := range ors {
		k, m, w, err := comparison(strings.TrimSpace(c))
		if err != nil {
			return "", nil, "", err
		}
		if key != "" && k != key {
			return "", nil, "", unmapped("OR between conditions on %s and %s", key, k)
		}
		key, ms, ws = k, append(ms, m), append(ws, w)
	}
	return key, anyOf(ms...), strings.Join(ws, "|"), nil
}

// comparison reads attr op value, attr [NOT] LIKE/RLIKE/IN ..., attr IS [NOT] TRUE/FALSE.
func comparison(text string) (string, matcher, string, error) {
	sc := &scanner{s: text}
	key := attribute(sc)
	if key == "" {
		return "", nil, "", nrqlError(sc.errorf("expected an attribute"))
	}
	negate := sc.eat("NOT")
	var (
		m       matcher
		written string
	)
	switch {
	case sc.eat("LIKE"):
		v, _ := sc.quoted()
		m, written = glob(strings.NewReplacer("%", "*", "_", "?").Replace(v)), v
	case sc.eat("RLIKE"):
		v, _ := sc.quoted()
		m, written = regex(v), v
	case sc.eat("IN"):
		list, err := inList(sc)
		if err != nil {
			return "", nil, "", err
		}
		var ms []matcher
		for _, v := range list {
			ms = append(ms, exact(v))
		}
		m, written = anyOf(ms...), strings.Join(list, ",")
	case sc.eat("IS"):
		if sc.eat("NOT") {
			negate = !negate
		}
		v := strings.ToLower(sc.ident())
		m, written = exact(v), v
	default:
		op := sc.word(func(c byte) bool { return strings.IndexByte("=!<>", c) >= 0 })
		v, ok := sc.quoted()
		if !ok {
			v = sc.word(func(c byte) bool { return !strings.ContainsRune(" \t\n)", rune(c)) })
		}
		if op == "" || v == "" {
			return "", nil, "", nrqlError(sc.errorf("expected a comparison"))
		}
		m, written = numericMatcher(op, v), v
	}
	if negate {
		m = not(m)
	}
	return key, m, written, nil
}

func attribute(sc *scanner) string {
	if sc.peek() == '`' {
		sc.pos++
		start := sc.pos
		for sc.pos < len(sc.s) && sc.s[sc.pos] != '`' {
			sc.pos++
		}
		key := sc.s[start:sc.pos]
		sc.pos++
		return key
	}
	return sc.ident()
}

func inList(sc *scanner) ([]string, error) {
	if err := sc.expect("("); err != nil {
		return nil, err
	}
	body, err := sc.balanced('(', ')')
	if err != nil {
		return nil, err
	}
	var out []string
	for _, v := range splitTop(body, ',') {
		out = append(out, strings.Trim(strings.TrimSpace(v), `'"`))
	}
	return out, nil
}

// selectList compiles the SELECT expression, and names its result's key.
func (p *nrqlParser) selectList() (node, string, string, error) {
	text := strings.TrimSpace(p.sc.s)
	if i := lastWordIndex(text, "AS"); i > 0 {
		text = strings.TrimSpace(text[:i]) // an alias does not change the value
	}
	p.sc = &scanner{s: text}
	a := arithmetic{sc: p.sc, operand: func() (node, error) { n, _, _, err := p.function(p.where); return n, err }}
	// A single function keeps its own key; anything else is "result".
	single := &scanner{s: text}
	if single.ident() != "" && single.eat("(") {
		if _, err := single.balanced('(', ')'); err == nil && single.done() {
			sp := &nrqlParser{sc: &scanner{s: text}, names: p.names, eventType: p.eventType, metric: p.metric}
			return sp.function(p.where)
		}
	}
	root, err := a.expr()
	if err == nil && !p.sc.done() {
		err = nrqlError(p.sc.errorf("unexpected text in SELECT"))
	}
	return root, "result", "", err
}

func lastWordIndex(s, word string) int {
	up := strings.ToUpper(s)
	i := strings.LastIndex(up, " "+word+" ")
	if i < 0 {
		return -1
	}
	return i
}

// function compiles one NRQL function over the requests sel selects.
func (p *nrqlParser) function(sel selection) (node, string, string, error) {
	name := strings.ToLower(p.sc.ident())
	if err := p.sc.expect("("); err != nil {
		return nil, "", "", nrqlError(err)
	}
	body, err := p.sc.balanced('(', ')')
	if err != nil {
		return nil, "", "", nrqlError(err)
	}
	args := splitTop(body, ',')
	switch name {
	case "count":
		n, err := p.count(sel, strings.TrimSpace(args[0]))
		return n, "count", "", err
	case "sum":
		n, err := p.count(sel, strings.TrimSpace(args[0]))
		return n, "sum", "", err
	case "average", "avg":
		n, err := p.latency(sel, strings.TrimSpace(args[0]), Stat{Kind: Mean})
		return n, "average", "", err
	case "percentile":
		return p.percentile(sel, args)
	case "filter":
		return p.filter(sel, body)
	case "percentage":
		return p.percentage(sel, body)
	}
	return nil, "", "", unmapped("the function %s() is not one the stand-in evaluates (count, sum, average, percentile, percentage, filter)", name)
}

func (p *nrqlParser) percentile(sel selection, args []string) (node, string, string, error) {
	if len(args) < 2 {
		return nil, "", "", nrqlError(errors.New("percentile() takes an attribute and a percentile"))
	}
	pct := strings.TrimSpace(args[1])
	q, err := strconv.ParseFloat(pct, 64)
	if err != nil || q <= 0 || q >= 100 {
		return nil, "", "", nrqlError(errors.New("percentile() takes a percentile between 0 and 100"))
	}
	n, err := p.latency(sel, strings.TrimSpace(args[0]), Stat{Kind: Quantile, Q: q / 100})
	return n, "percentiles", pct, err
}

// filter(f, WHERE cond) is f over the requests cond also selects.
func (p *nrqlParser) filter(sel selection, body string) (node, string, string, error) {
	inner, cond, err := p.withWhere(sel, body)
	if err != nil {
		return nil, "", "", err
	}
	sp := &nrqlParser{sc: &scanner{s: inner}, names: p.names, eventType: p.eventType, metric: p.metric}
	return sp.function(cond)
}

// percentage(f, WHERE cond) is 100 × f over cond / f over all.
func (p *nrqlParser) percentage(sel selection, body string) (node, string, string, error) {
	inner, cond, err := p.withWhere(sel, body)
	if err != nil {
		return nil, "", "", err
	}
	part, _, _, err := (&nrqlParser{sc: &scanner{s: inner}, names: p.names, eventType: p.eventType, metric: p.metric}).function(cond)
	if err != nil {
		return nil, "", "", err
	}
	whole, _, _, err := (&nrqlParser{sc: &scanner{s: inner}, names: p.names, eventType: p.eventType, metric: p.metric}).function(sel)
	if err != nil {
		return nil, "", "", err
	}
	return binNode{op: '*', l: numNode(100), r: binNode{op: '/', l: part, r: whole}}, "result", "", nil
}

// withWhere splits "f(...), WHERE cond" and adds cond to sel.
func (p *nrqlParser) withWhere(sel selection, body string) (string, selection, error) {
	parts := splitTop(body, ',')
	if len(parts) != 2 {
		return "", sel, nrqlError(errors.New("expected a function and a WHERE condition"))
	}
	cond := strings.TrimSpace(parts[1])
	rest, ok := cutWord(cond, "WHERE")
	if !ok {
		return "", sel, nrqlError(errors.New("the condition starts with WHERE"))
	}
	sel.problems = append([]string(nil), sel.problems...)
	if err := p.conditions(rest, &sel); err != nil {
		return "", sel, err
	}
	return strings.TrimSpace(parts[0]), sel, nil
}

// count is count(*) or sum(metric): requests, or errors when the event
// type or the metric counts errors.
func (p *nrqlParser) count(sel selection, attr string) (node, error) {
	m, err := p.selected(sel)
	if err != nil {
		return nil, err
	}
	name := p.eventType
	if attr != "*" && attr != "" {
		name = attr
	}
	if p.metric != "" && strings.EqualFold(p.eventType, "Metric") && attr == "*" {
		name = p.metric
	}
	switch kindOfName(name) {
	case errorsMeasure:
		m.Class = m.Class.and(Class{Errors: true})
	case requestsMeasure:
	default:
		return nil, unmapped("%s is neither a request count nor an error count", name)
	}
	return measureNode{m: m}, nil
}

// latency is average(attr) or percentile(attr, q) of a duration.
func (p *nrqlParser) latency(sel selection, attr string, stat Stat) (node, error) {
	m, err := p.selected(sel)
	if err != nil {
		return nil, err
	}
	if kindOfName(attr) != latencyMeasure {
		return nil, unmapped("%s is not a duration or latency", attr)
	}
	stat.Unit = unitOfName(attr)
	m.Stat = stat
	return measureNode{m: m}, nil
}

func (p *nrqlParser) selected(sel selection) (Measure, error) {
	if why := sel.problem(p.names); why != "" {
		return Measure{}, unmapped("%s", why)
	}
	return Measure{Roles: sel.roles, Class: sel.class, Stat: Stat{Kind: Count}}, nil
}

// splitWord splits at a keyword (case-insensitive, as a whole word)
// outside brackets and quotes.
func splitWord(s, word string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && i > 0 && s[i-1] == ' ' && len(s)-i > len(word) && strings.EqualFold(s[i:i+len(word)], word) && s[i+len(word)] == ' ':
			out = append(out, s[start:i])
			start = i + len(word)
		}
	}
	return append(out, s[start:])
}

func cutWord(s, word string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > len(word) && strings.EqualFold(s[:len(word)], word) && !isWordByte(s[len(word)]) {
		return strings.TrimSpace(s[len(word):]), true
	}
	return "", false
}

// newRelic serves GET /v1/accounts/{id}/query.
func (s *Server) newRelic(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Query-Key") == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "Missing or invalid API key"})
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/v1/accounts/") || !strings.HasSuffix(r.URL.Path, "/query") {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Not found"})
		return
	}
	query := r.URL.Query().Get("nrql")
	if selectAll.MatchString(query) {
		// Flagger's probe, SELECT * FROM Metric: events, not a value.
		writeJSON(w, http.StatusOK, map[string]any{"results": []any{map[string]any{"events": []any{}}}})
		return
	}
	c, err := compileNRQL(query, s.names)
	switch {
	case isUnmapped(err):
		s.note("new relic", query, err)
		writeJSON(w, http.StatusOK, map[string]any{"results": []any{map[string]any{"result": nil}}})
		return
	case err != nil:
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	now := s.now()
	win := window{from: now.Add(-c.since), to: now, step: c.since, exact: true}
	writeJSON(w, http.StatusOK, map[string]any{"results": []any{c.answer(s.Recorder, win)}, "metadata": map[string]any{"rawSince": c.since.String()}})
}

// answer is the one result object, with a count of no request as 0 and
// any other missing value as null.
func (c nrql) answer(r *Recorder, w window) map[string]any {
	s := c.root.eval(r, w)
	var v any
	if x, ok := s.at(w.from.Unix()); ok {
		v = x
	} else if c.key == "count" || c.key == "sum" {
		v = 0.0
	}
	if c.key == "percentiles" {
		return map[string]any{"percentiles": map[string]any{c.pctKey: v}}
	}
	return map[string]any{c.key: v}
}
