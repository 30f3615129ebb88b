// This file parses Dynatrace metric selectors into the measures the
// stand-in answers.

package metricapi

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The Dynatrace stand-in answers GET /api/v2/metrics/query (metricSelector,
// resolution, from, to in Unix milliseconds) with the metrics v2 document,
// and GET /api/v2/metrics (Flagger's probe). A selector is a metric key
// with transformations, or arithmetic between such selectors:
//
//	builtin:service.errors.server.count:filter(eq("dt.entity.service.name","podinfo-canary")):splitBy():sum
//
// The version is the one a string inside :filter(...) names; the measure
// is read from the key (requestCount, errors...count, errors...rate as a
// percentage, response.time in microseconds) and the last aggregation
// (sum, count, avg, median, percentile(N)).

var dtTransforms = map[string]bool{"filter": true, "splitBy": true, "avg": true, "sum": true, "min": true, "max": true,
	"count": true, "percentile": true, "median": true, "value": true, "fold": true, "default": true, "names": true,
	"parents": true, "sort": true, "limit": true, "auto": true, "last": true, "rate": true, "toUnit": true, "setUnit": true}

type dtParser struct {
	sc    *scanner
	names Names
}

func compileDynatrace(selector string, names Names) (node, error) {
	p := &dtParser{sc: &scanner{s: selector}, names: names}
	root, err := arithmetic{sc: p.sc, operand: p.metric}.expr()
	if err == nil && !p.sc.done() {
		err = p.sc.errorf("unexpected text after the selector")
	}
	return root, err
}

var (
	dtQuoted     = regexp.MustCompile(`"([^"]*)"`)
	dtEntityName = regexp.MustCompile(`entityName(?:\.equals)?\(\s*"?([^")]*)"?\s*\)`)
)

// dtNames are the names a filter compares with: its string literals, and
// the entityName(...) of entity selectors, whose quotes are escaped as ~".
func dtNames(f string) []string {
	inner := strings.ReplaceAll(f, `~"`, "\x00")
	var out []string
	for _, m := range dtQuoted.FindAllStringSubmatch(inner, -1) {
		lit := strings.ReplaceAll(m[1], "\x00", `"`)
		out = append(out, lit)
		for _, e := range dtEntityName.FindAllStringSubmatch(lit, -1) {
			out = append(out, e[1])
		}
	}
	return out
}

// metric reads a key and its transformations.
func (p *dtParser) metric() (node, error) {
	key := p.sc.word(func(c byte) bool { return isWordByte(c) || c == '.' || c == '-' })
	for p.sc.peek() == ':' {
		save := p.sc.pos
		p.sc.pos++
		next := p.sc.word(func(c byte) bool { return isWordByte(c) || c == '.' || c == '-' })
		if dtTransforms[next] {
			p.sc.pos = save
			break
		}
		key += ":" + next
	}
	if key == "" {
		return nil, p.sc.errorf("expected a metric key")
	}
	var filters []string
	agg, q := "", 0.0
	for p.sc.eat(":") {
		t := p.sc.ident()
		args := ""
		if p.sc.eat("(") {
			var err error
			if args, err = p.sc.balanced('(', ')'); err != nil {
				return nil, err
			}
		}
		switch t {
		case "filter":
			filters = append(filters, args)
		case "avg", "sum", "count", "median", "max", "min", "value":
			agg = t
		case "percentile":
			agg = t
			q, _ = strconv.ParseFloat(strings.TrimSpace(args), 64)
		}
	}
	return p.measure(key, filters, agg, q)
}

func (p *dtParser) measure(key string, filters []string, agg string, q float64) (node, error) {
	sel := newSelection()
	for _, f := range filters {
		for _, v := range dtNames(f) {
			if r := p.names.rolesMatching(exact(v)); r.any() {
				sel.add(filter{roles: &r})
			}
		}
	}
	if why := sel.problem(p.names); why != "" {
		return nil, unmapped("%s: %s", key, why)
	}
	base := Measure{Roles: sel.roles, Class: AllRequests, Stat: Stat{Kind: Count}}
	k := strings.ToLower(key)
	switch {
	case strings.Contains(k, "response.time") || kindOfName(k) == latencyMeasure:
		return p.latency(base, key, agg, q)
	case strings.Contains(k, "error") && strings.HasSuffix(k, "rate"):
		errs := base
		errs.Class = Class{Errors: true}
		return binNode{op: '*', l: numNode(100), r: binNode{op: '/', l: measureNode{m: errs}, r: measureNode{m: base}}}, nil
	}
	c, ok := classOfName(strings.ReplaceAll(k, "fivexx", "5xx"))
	if !ok || (agg != "" && agg != "sum" && agg != "count" && agg != "value") {
		return nil, unmapped("%s:%s is neither a request count, an error count, an error rate nor a response time", key, agg)
	}
	base.Class = c
	return measureNode{m: base}, nil
}

// latency reads a response time: Dynatrace's are in microseconds.
func (p *dtParser) latency(m Measure, key, agg string, q float64) (node, error) {
	unit := time.Microsecond
	if u := unitOfName(key); u != time.Second {
		unit = u
	}
	switch agg {
	case "", "avg":
		m.Stat = Stat{Kind: Mean, Unit: unit}
	case "median":
		m.Stat = Stat{Kind: Quantile, Q: 0.5, Unit: unit}
	case "percentile":
		if q <= 0 || q >= 100 {
			return nil, unmapped("%s:percentile(%g) is not a percentile between 0 and 100", key, q)
		}
		m.Stat = Stat{Kind: Quantile, Q: q / 100, Unit: unit}
	default:
		return nil, unmapped("%s:%s: only avg, median and percentile(N) of a response time are rehearsed", key, agg)
	}
	return measureNode{m: m}, nil
}

// dynatrace serves /api/v2/metrics/query and /api/v2/metrics.
func (s *Server) dynatrace(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Api-Token ") || len(r.Header.Get("Authorization")) <= len("Api-Token ") {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"code": 401, "message": "Missing authorization parameter."}})
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/api/v2/metrics/query"):
		s.dynatraceQuery(w, r)
	case strings.HasSuffix(r.URL.Path, "/api/v2/metrics"):
		writeJSON(w, http.StatusOK, map[string]any{"totalCount": 1, "nextPageKey": nil,
			"metrics": []any{map[string]any{"metricId": "builtin:service.requestCount.total"}}})
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"code": 404, "message": "Not found"}})
	}
}

func (s *Server) dynatraceQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, errF := strconv.ParseInt(q.Get("from"), 10, 64)
	to, errT := strconv.ParseInt(q.Get("to"), 10, 64)
	if errF != nil || errT != nil || to <= from {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"code": 400, "message": "from and to must be Unix milliseconds, from before to"}})
		return
	}
	selector := q.Get("metricSelector")
	root, err := compileDynatrace(selector, s.names)
	result := map[string]any{"metricId": selector, "dataPointCountRatio": 0, "dimensionCountRatio": 0, "data": []any{}}
	switch {
	case isUnmapped(err):
		s.note("dynatrace", selector, err)
	case err != nil:
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"code": 400, "message": "The metric selector is invalid: " + err.Error()}})
		return
	default:
		win := window{from: time.UnixMilli(from), to: time.UnixMilli(to), exact: true}
		win.step = win.to.Sub(win.from)
		if v, ok := root.eval(s.Recorder, win).at(win.from.Unix()); ok {
			result["data"] = []any{map[string]any{"dimensions": []string{}, "dimensionMap": map[string]string{},
				"timestamps": []int64{to}, "values": []float64{v}}}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"totalCount": 1, "nextPageKey": nil, "resolution": "Inf", "result": []any{result}})
}
