// This file parses Graphite render targets (paths and functions) into the
// measures the stand-in answers.

package metricapi

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The Graphite stand-in answers GET /render?target=...&from=...&until=...
// &format=json with one series per target, a datapoint every
// graphiteStep, null where nothing was served. A target is a metric path
// (globs and {a,b} allowed) or a function of targets: sumSeries, sum,
// averageSeries, avg, divideSeries, divideSeriesLists, asPercent, scale,
// offset, summarize, hitcount, transformNull, keepLastValue,
// nonNegativeDerivative, perSecond and the alias functions.
//
// A path is read segment by segment: the segment that names a version
// (podinfo-canary, podinfo-primary, the target's name), a status segment
// and its value (status.5*, outcome.SERVER_ERROR, 5xx), and the last
// segment for the measure (count, requests, errors, 5xx; mean, median,
// upper_99, p99 for latency, statsd timers in milliseconds).
const graphiteStep = 10 * time.Second

// graphiteProbe is Flagger's IsOnline query: it is answered, never noted.
const graphiteProbe = "test"

// gTarget is a compiled target.
type gTarget struct {
	text string
	root node
}

type gParser struct {
	sc    *scanner
	names Names
}

// compileGraphite compiles every target of a render query.
func compileGraphite(query string, names Names) ([]gTarget, error) {
	q, err := url.ParseQuery(spaceRun.ReplaceAllString(query, " "))
	if err != nil {
		return nil, err
	}
	var out []gTarget
	for _, t := range q["target"] {
		p := &gParser{sc: &scanner{s: t}, names: names}
		n, err := p.expr()
		if err == nil && !p.sc.done() {
			err = p.sc.errorf("unexpected text after the target")
		}
		if err != nil {
			return nil, err
		}
		out = append(out, gTarget{text: t, root: n})
	}
	if len(out) == 0 {
		return nil, unmapped("the query has no target=")
	}
	return out, nil
}

var spaceRun = regexp.MustCompile(`\s+`)

func isPathByte(c byte) bool {
	return isWordByte(c) || strings.IndexByte("-*?[]{},.:~", c) >= 0
}

// expr is a function call or a path.
func (p *gParser) expr() (node, error) {
	if f, ok := p.sc.number(); ok {
		return numNode(f), nil
	}
	start := p.sc.pos
	name := p.sc.word(isWordByte)
	if name != "" && p.sc.peek() == '(' {
		p.sc.pos++
		return p.call(name)
	}
	p.sc.pos = start
	path := p.path()
	if path == "" {
		return nil, p.sc.errorf("expected a metric path or a function")
	}
	m, err := p.pathMeasure(path)
	return measureNode{m: m}, err
}

// path reads a path; commas inside {...} belong to it.
func (p *gParser) path() string {
	p.sc.space()
	start, depth := p.sc.pos, 0
	for p.sc.pos < len(p.sc.s) {
		c := p.sc.s[p.sc.pos]
		if c == '{' {
			depth++
		} else if c == '}' {
			depth--
		}
		if !isPathByte(c) || (c == ',' && depth == 0) {
			break
		}
		p.sc.pos++
	}
	return p.sc.s[start:p.sc.pos]
}

// args reads the arguments up to the closing parenthesis: targets,
// numbers or quoted strings.
type gArg struct {
	node node
	text string // for strings and numbers
}

func (p *gParser) args() ([]gArg, error) {
	var out []gArg
	for p.sc.peek() != ')' {
		if s, ok := p.sc.quoted(); ok {
			out = append(out, gArg{text: s})
		} else if tok := p.literal(); tok != "" {
			out = append(out, gArg{text: tok})
		} else {
			start := p.sc.pos
			n, err := p.expr()
			if err != nil {
				return nil, err
			}
			out = append(out, gArg{node: n, text: strings.TrimSpace(p.sc.s[start:p.sc.pos])})
		}
		if !p.sc.eat(",") {
			break
		}
	}
	return out, p.sc.expect(")")
}

// literalArg is an argument that is not a series: a number, an interval
// like 1min, or a boolean.
var literalArg = regexp.MustCompile(`^(?:-?\d+(?:\.\d+)?[a-zA-Z]*|true|false|True|False)$`)

// literal reads such an argument, or nothing.
func (p *gParser) literal() string {
	p.sc.space()
	end := p.sc.pos
	for end < len(p.sc.s) && p.sc.s[end] != ',' && p.sc.s[end] != ')' {
		end++
	}
	tok := strings.TrimSpace(p.sc.s[p.sc.pos:end])
	if !literalArg.MatchString(tok) {
		return ""
	}
	p.sc.pos = end
	return tok
}

func (p *gParser) call(name string) (node, error) {
	args, err := p.args()
	if err != nil {
		return nil, err
	}
	if len(args) == 0 || args[0].node == nil {
		return nil, unmapped("%s() takes a series first", name)
	}
	first := args[0].node
	switch name {
	case "sumSeries", "sum", "averageSeries", "avg", "averageSeriesWithWildcards", "sumSeriesWithWildcards":
		return combineNode(name, args)
	case "divideSeries", "divideSeriesLists":
		if len(args) != 2 || args[1].node == nil {
			return nil, p.sc.errorf("%s() takes two series", name)
		}
		return binNode{op: '/', l: first, r: args[1].node}, nil
	case "asPercent":
		if len(args) != 2 || args[1].node == nil {
			return nil, unmapped("asPercent() with one series is 100 of its own total; give the total as the second series")
		}
		return binNode{op: '*', l: numNode(100), r: binNode{op: '/', l: first, r: args[1].node}}, nil
	case "scale", "offset":
		f, err := numberArg(args, 1, name)
		op := byte('*')
		if name == "offset" {
			op = '+'
		}
		return binNode{op: op, l: first, r: numNode(f)}, err
	case "summarize", "hitcount":
		return summarizeNode(name, args)
	case "transformNull":
		v := 0.0
		if len(args) > 1 {
			v, _ = strconv.ParseFloat(args[1].text, 64)
		}
		return mapNode{arg: first, f: func(s series, w window) series { return s.filled(w, v) }}, nil
	case "keepLastValue":
		return mapNode{arg: first, f: keepLast}, nil
	case "alias", "aliasByNode", "aliasByMetric", "aliasSub", "legendValue", "nonNegativeDerivative", "derivative", "perSecond":
		if name == "perSecond" {
			return binNode{op: '/', l: first, r: numNode(graphiteStep.Seconds())}, nil
		}
		return first, nil // paths are read as what happened in each step
	}
	return nil, unmapped("the function %s() is not one the stand-in evaluates", name)
}

func numberArg(args []gArg, i int, fn string) (float64, error) {
	if len(args) <= i {
		return 0, unmapped("%s() needs argument %d", fn, i+1)
	}
	f, err := strconv.ParseFloat(args[i].text, 64)
	if err != nil {
		return 0, unmapped("%s() argument %q is not a number", fn, args[i].text)
	}
	return f, nil
}

// combineNode adds up (or averages) its series where any has a value,
// as Graphite does with None.
func combineNode(name string, args []gArg) (node, error) {
	var ns []node
	for _, a := range args {
		if a.node == nil {
			return nil, unmapped("%s() takes only series", name)
		}
		ns = append(ns, a.node)
	}
	avg := strings.HasPrefix(name, "avg") || strings.HasPrefix(name, "average")
	return combined{parts: ns, avg: avg}, nil
}

type combined struct {
	parts []node
	avg   bool
}

func (c combined) eval(r *Recorder, w window) series {
	sum, n := map[int64]float64{}, map[int64]int{}
	for _, p := range c.parts {
		s := p.eval(r, w)
		if s.scalar {
			s = series{points: map[int64]float64{}}.filled(w, s.value)
		}
		for t, v := range s.points {
			sum[t] += v
			n[t]++
		}
	}
	if c.avg {
		for t := range sum {
			sum[t] /= float64(n[t])
		}
	}
	return series{points: sum}
}

// summarizeNode rebuckets into intervals with sum (the default), avg,
// max, min or last.
func summarizeNode(name string, args []gArg) (node, error) {
	if len(args) < 2 {
		return nil, unmapped("%s() needs an interval", name)
	}
	size, err := graphiteDuration(args[1].text)
	if err != nil {
		return nil, fmt.Errorf("%s(): %w", name, err) // Graphite refuses it too
	}
	how := "sum"
	if len(args) > 2 && name == "summarize" {
		how = strings.ToLower(args[2].text)
	}
	agg, ok := aggregators[how]
	if !ok {
		return nil, unmapped("summarize() function %q is not one the stand-in evaluates", how)
	}
	return mapNode{arg: args[0].node, f: func(s series, _ window) series { return rebucket(s, size, agg) }}, nil
}

var aggregators = map[string]func([]float64) float64{
	"sum": func(vs []float64) float64 {
		t := 0.0
		for _, v := range vs {
			t += v
		}
		return t
	},
	"avg": func(vs []float64) float64 {
		t := 0.0
		for _, v := range vs {
			t += v
		}
		return t / float64(len(vs))
	},
	"max": func(vs []float64) float64 {
		m := math.Inf(-1)
		for _, v := range vs {
			m = math.Max(m, v)
		}
		return m
	},
	"min": func(vs []float64) float64 {
		m := math.Inf(1)
		for _, v := range vs {
			m = math.Min(m, v)
		}
		return m
	},
	"last": func(vs []float64) float64 { return vs[len(vs)-1] },
}

func init() { aggregators["average"] = aggregators["avg"] }

func rebucket(s series, size time.Duration, agg func([]float64) float64) series {
	if s.scalar {
		return s
	}
	groups := map[int64][]float64{}
	for _, t := range s.sorted() {
		k := t - t%int64(size.Seconds())
		groups[k] = append(groups[k], s.points[t])
	}
	out := series{points: map[int64]float64{}}
	for k, vs := range groups {
		out.points[k] = agg(vs)
	}
	return out
}

func keepLast(s series, w window) series {
	if s.scalar {
		return s
	}
	out := series{points: map[int64]float64{}}
	last, have := 0.0, false
	for _, t := range w.starts() {
		if v, ok := s.points[t.Unix()]; ok {
			last, have = v, true
		}
		if have {
			out.points[t.Unix()] = last
		}
	}
	return out
}

// pathMeasure reads a metric path.
func (p *gParser) pathMeasure(path string) (Measure, error) {
	segs := splitTop(path, '.')
	sel := newSelection()
	for i, seg := range segs {
		switch {
		case statusKeyOf(seg) != notStatus && i+1 < len(segs) && i+1 != len(segs)-1:
			sel.add(p.names.judge(seg, segs[i+1], glob(segs[i+1])))
		case hasLiteral(seg):
			if r := p.names.rolesMatching(glob(seg)); r.any() {
				sel.add(filter{roles: &r})
			}
		}
	}
	if why := sel.problem(p.names); why != "" {
		return Measure{}, unmapped("%s: %s", path, why)
	}
	m := Measure{Roles: sel.roles, Class: sel.class, Stat: Stat{Kind: Count}}
	last := strings.ToLower(segs[len(segs)-1])
	if st, ok := latencyStat(last); ok {
		st.Unit = time.Second
		if strings.Contains(path, "timers") {
			st.Unit = time.Millisecond
		} else if u := unitOfName(path); u != time.Second {
			st.Unit = u
		}
		m.Stat = st
		return m, nil
	}
	if strings.HasPrefix(path, "stats.") && !strings.HasPrefix(path, "stats.timers.") {
		m.Stat.Kind = Rate // statsd's stats.* counters are per second
	}
	switch kindOfName(last) {
	case errorsMeasure:
		m.Class = m.Class.and(Class{Errors: true})
		return m, nil
	case requestsMeasure:
		return m, nil
	}
	return m, unmapped("%s: its last segment %q is neither a count, an error count nor a latency statistic", path, last)
}

// hasLiteral is true for a segment with a name in it, not only wildcards:
// "*" names every workload, and so none in particular.
func hasLiteral(seg string) bool { return strings.Trim(seg, "*?") != "" }

var percentileSeg = regexp.MustCompile(`^(?:upper_|p|percentile_|mean_|pct)(\d{1,2}(?:\.\d+)?)$`)

// latencyStat reads a statsd timer or Micrometer statistic segment.
func latencyStat(seg string) (Stat, bool) {
	switch seg {
	case "mean", "avg", "average":
		return Stat{Kind: Mean}, true
	case "median", "p50":
		return Stat{Kind: Quantile, Q: 0.5}, true
	case "upper", "max":
		return Stat{}, false
	}
	if m := percentileSeg.FindStringSubmatch(seg); m != nil {
		v, _ := strconv.ParseFloat(m[1], 64)
		if v > 0 && v < 100 {
			return Stat{Kind: Quantile, Q: v / 100}, true
		}
	}
	return Stat{}, false
}

// graphiteDuration reads an offset as Graphite does: a number and a unit
// that starts s, min, h, d, w, mon or y ("1m" is not one).
func graphiteDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.Trim(s, `'"`))
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9') {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return 0, fmt.Errorf("%q is not a Graphite time offset like 5min", s)
	}
	unit := strings.ToLower(s[i:])
	for _, u := range []struct {
		prefix string
		d      time.Duration
	}{{"s", time.Second}, {"min", time.Minute}, {"h", time.Hour}, {"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour},
		{"mon", 30 * 24 * time.Hour}, {"y", 365 * 24 * time.Hour}} {
		if strings.HasPrefix(unit, u.prefix) {
			return time.Duration(n) * u.d, nil
		}
	}
	return 0, fmt.Errorf("invalid offset unit %q in %q: Graphite takes s, min, h, d, w, mon or y", unit, s)
}

// graphiteTime reads from/until: now, -10min, now-10min, or Unix seconds.
func graphiteTime(s string, now time.Time, fallback time.Duration) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return now.Add(fallback), nil
	case s == "now":
		return now, nil
	case strings.HasPrefix(s, "now-"), strings.HasPrefix(s, "-"):
		d, err := graphiteDuration(strings.TrimPrefix(strings.TrimPrefix(s, "now"), "-"))
		return now.Add(-d), err
	}
	secs, err := strconv.ParseInt(s, 10, 64)
	return time.Unix(secs, 0), err
}

// graphite serves /render.
func (s *Server) graphite(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/render") {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	now := s.now()
	from, errFrom := graphiteTime(q.Get("from"), now, -24*time.Hour)
	until, errUntil := graphiteTime(q.Get("until"), now, 0)
	if err := errors.Join(errFrom, errUntil); err != nil {
		http.Error(w, "Invalid from or until: "+err.Error(), http.StatusBadRequest)
		return
	}
	targets, err := compileGraphite(r.URL.RawQuery, s.names)
	switch {
	case isUnmapped(err):
		if q.Get("target") != graphiteProbe {
			s.note("graphite", q.Get("target"), err)
		}
		writeJSON(w, http.StatusOK, []any{})
		return
	case err != nil:
		http.Error(w, "Invalid target: "+err.Error(), http.StatusBadRequest)
		return
	}
	win := window{from: from, to: until, step: graphiteStep}
	out := []any{}
	for _, t := range targets {
		out = append(out, map[string]any{"target": t.text, "tags": map[string]string{"name": t.text},
			"datapoints": graphitePoints(t.root.eval(s.Recorder, win), win)})
	}
	writeJSON(w, http.StatusOK, out)
}

// graphitePoints lists [value|null, timestamp] for every step.
func graphitePoints(s series, w window) [][2]any {
	var out [][2]any
	for _, t := range w.starts() {
		var v any
		if x, ok := s.at(t.Unix()); ok {
			v = x
		}
		out = append(out, [2]any{v, t.Unix()})
	}
	return out
}
