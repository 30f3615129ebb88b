// This file reads CloudWatch metric data queries (metric stats and math
// expressions) into the measures the stand-in answers.

package metricapi

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// The CloudWatch stand-in answers GetMetricData in the query protocol (a
// SigV4-signed form POST, answered in XML) on the regional endpoints. A
// MetricStat is read by its dimensions (a value naming a version, or one of
// the /-separated parts of it: targetgroup/podinfo-canary/...), its metric
// name (RequestCount, ErrorCount, HTTPCode_Target_5XX_Count, Latency,
// TargetResponseTime...) and its statistic (Sum and SampleCount count;
// Average and pNN read a latency). An Expression is arithmetic over other
// queries' ids, with FILL(m, value) and ABS(m).

// cwQuery is one compiled MetricDataQuery.
type cwQuery struct {
	id, label string
	returned  bool
	root      node
	period    time.Duration
	problem   error
}

func compileCloudWatch(qs []metrics.MetricDataQuery, names Names) ([]cwQuery, error) {
	byID := map[string]*cwQuery{}
	out := make([]cwQuery, len(qs))
	for i, q := range qs {
		c := cwQuery{id: q.ID, label: orText(q.Label, q.ID), returned: q.ReturnData == nil || *q.ReturnData}
		if q.MetricStat != nil {
			c.period = time.Duration(q.MetricStat.Period) * time.Second
			m, err := cwMeasure(q.MetricStat, names)
			c.root, c.problem = measureNode{m: m}, err
		}
		out[i] = c
		byID[q.ID] = &out[i]
	}
	for i, q := range qs {
		if q.MetricStat != nil {
			continue
		}
		if q.Expression == "" {
			return nil, fmt.Errorf("query %s has neither a MetricStat nor an Expression", q.ID)
		}
		root, period, err := cwExpression(q.Expression, byID)
		out[i].root, out[i].period, out[i].problem = root, period, err
		if q.Period != nil {
			out[i].period = time.Duration(*q.Period) * time.Second
		}
		if err != nil && !isUnmapped(err) {
			return nil, fmt.Errorf("the expression of %s: %w", q.ID, err)
		}
	}
	for _, c := range out {
		if c.returned && c.problem != nil {
			return out, c.problem
		}
	}
	return out, nil
}

func orText(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// cwExpression compiles metric math over ids.
func cwExpression(expr string, byID map[string]*cwQuery) (node, time.Duration, error) {
	sc := &scanner{s: expr}
	var period time.Duration
	var problem error
	var a arithmetic
	a = arithmetic{sc: sc, operand: func() (node, error) {
		name := sc.ident()
		if sc.eat("(") {
			return cwFunction(strings.ToUpper(name), a)
		}
		q, ok := byID[name]
		if !ok {
			return nil, sc.errorf("no query has the id %q", name)
		}
		period = max(period, q.period)
		if q.problem != nil && problem == nil {
			problem = q.problem
		}
		return q.root, nil
	}}
	root, err := a.expr()
	if err == nil && !sc.done() {
		err = sc.errorf("unexpected text in the expression")
	}
	if err == nil {
		err = problem
	}
	return root, period, err
}

func cwFunction(name string, a arithmetic) (node, error) {
	arg, err := a.expr()
	if err != nil {
		return nil, err
	}
	fill := 0.0
	if a.sc.eat(",") {
		v, ok := a.sc.number()
		if !ok {
			return nil, unmapped("%s() with a non-numeric argument", name)
		}
		fill = v
	}
	if err := a.sc.expect(")"); err != nil {
		return nil, err
	}
	switch name {
	case "FILL":
		return mapNode{arg: arg, f: func(s series, w window) series { return s.filled(w, fill) }}, nil
	case "ABS":
		return mapNode{arg: arg, f: func(s series, _ window) series {
			return s.mapPoints(func(v float64) float64 { return max(v, -v) })
		}}, nil
	}
	return nil, unmapped("the metric math function %s() is not one the stand-in evaluates (FILL, ABS)", name)
}

// cwMeasure maps a MetricStat.
func cwMeasure(ms *metrics.MetricStat, names Names) (Measure, error) {
	sel := newSelection()
	for _, d := range ms.Metric.Dimensions {
		sel.add(names.judge(d.Name, d.Value, partsMatcher(d.Value)))
	}
	name := ms.Metric.MetricName
	if why := sel.problem(names); why != "" {
		return Measure{}, unmapped("%s %s: %s", ms.Metric.Namespace, name, why)
	}
	m := Measure{Roles: sel.roles, Class: sel.class, Stat: Stat{Kind: Count}}
	stat := ms.Stat
	if q, ok := percentileAgg(strings.ToLower(stat)); ok {
		m.Stat = Stat{Kind: Quantile, Q: q, Unit: cwUnit(ms)}
		return m, nil
	}
	switch {
	case stat == "SampleCount":
		return m, nil
	case stat == "Average" && kindOfName(name) == latencyMeasure:
		m.Stat = Stat{Kind: Mean, Unit: cwUnit(ms)}
		return m, nil
	case stat != "Sum":
		return m, unmapped("%s %s with statistic %s: only Sum and SampleCount of counts, Average and pNN of latencies are rehearsed", ms.Metric.Namespace, name, stat)
	}
	c, ok := classOfName(name)
	if !ok {
		return m, unmapped("%s %s is neither a request count nor an error count", ms.Metric.Namespace, name)
	}
	m.Class = m.Class.and(c)
	return m, nil
}

// cwUnit is the unit the MetricStat asks for, or the name's.
func cwUnit(ms *metrics.MetricStat) time.Duration {
	switch ms.Unit {
	case "Milliseconds":
		return time.Millisecond
	case "Microseconds":
		return time.Microsecond
	case "Seconds":
		return time.Second
	}
	return unitOfName(ms.Metric.MetricName)
}

// partsMatcher matches a dimension value, or one of its /-separated parts
// (an ALB target group is targetgroup/<name>/<id>).
func partsMatcher(v string) matcher {
	return func(n string) bool {
		if n == v {
			return true
		}
		for _, p := range strings.Split(v, "/") {
			if p == n {
				return true
			}
		}
		return false
	}
}

// cloudWatch serves POST / with Action=GetMetricData.
func (s *Server) cloudWatch(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=") {
		cwFault(w, http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	form, err := url.ParseQuery(readBody(r))
	if err != nil || form.Get("Action") != "GetMetricData" {
		cwFault(w, http.StatusBadRequest, "InvalidAction", "The action or operation requested is invalid. Verify that the action is typed correctly.")
		return
	}
	qs := decodeQueries(form)
	start, errS := time.Parse(time.RFC3339Nano, form.Get("StartTime"))
	end, errE := time.Parse(time.RFC3339Nano, form.Get("EndTime"))
	if len(qs) == 0 || errS != nil || errE != nil || !end.After(start) {
		cwFault(w, http.StatusBadRequest, "ValidationError", "The parameters MetricDataQueries, StartTime and EndTime are required, with EndTime after StartTime.")
		return
	}
	compiled, err := compileCloudWatch(qs, s.names)
	switch {
	case isUnmapped(err):
		s.note("cloudwatch", cwQueryText(qs), err)
	case err != nil:
		cwFault(w, http.StatusBadRequest, "ValidationError", err.Error())
		return
	}
	max, _ := strconv.Atoi(form.Get("MaxDatapoints"))
	s.cwAnswer(w, compiled, start, end, max)
}

func cwQueryText(qs []metrics.MetricDataQuery) string {
	var parts []string
	for _, q := range qs {
		if q.MetricStat != nil {
			parts = append(parts, fmt.Sprintf("%s=%s/%s %s", q.ID, q.MetricStat.Metric.Namespace, q.MetricStat.Metric.MetricName, q.MetricStat.Stat))
		} else {
			parts = append(parts, q.ID+"="+q.Expression)
		}
	}
	return strings.Join(parts, ", ")
}

// decodeQueries reads MetricDataQueries.member.N.* back into queries.
func decodeQueries(f url.Values) []metrics.MetricDataQuery {
	var out []metrics.MetricDataQuery
	for i := 1; ; i++ {
		p := fmt.Sprintf("MetricDataQueries.member.%d.", i)
		if !f.Has(p + "Id") {
			return out
		}
		q := metrics.MetricDataQuery{ID: f.Get(p + "Id"), Expression: f.Get(p + "Expression"), Label: f.Get(p + "Label")}
		if v := f.Get(p + "ReturnData"); v != "" {
			b := v == "true"
			q.ReturnData = &b
		}
		if v, err := strconv.ParseInt(f.Get(p+"Period"), 10, 64); err == nil {
			q.Period = &v
		}
		if f.Has(p + "MetricStat.Metric.MetricName") {
			q.MetricStat = decodeStat(f, p+"MetricStat.")
		}
		out = append(out, q)
	}
}

func decodeStat(f url.Values, p string) *metrics.MetricStat {
	ms := &metrics.MetricStat{Stat: f.Get(p + "Stat"), Unit: f.Get(p + "Unit")}
	ms.Metric.Namespace, ms.Metric.MetricName = f.Get(p+"Metric.Namespace"), f.Get(p+"Metric.MetricName")
	ms.Period, _ = strconv.ParseInt(f.Get(p+"Period"), 10, 64)
	for j := 1; ; j++ {
		dp := fmt.Sprintf("%sMetric.Dimensions.member.%d.", p, j)
		if !f.Has(dp + "Name") {
			return ms
		}
		ms.Metric.Dimensions = append(ms.Metric.Dimensions, metrics.Dimension{Name: f.Get(dp + "Name"), Value: f.Get(dp + "Value")})
	}
}

type cwResult struct {
	ID         string   `xml:"Id"`
	Label      string   `xml:"Label"`
	StatusCode string   `xml:"StatusCode"`
	Timestamps []string `xml:"Timestamps>member"`
	Values     []string `xml:"Values>member"`
}

type cwResponse struct {
	XMLName   xml.Name   `xml:"GetMetricDataResponse"`
	Namespace string     `xml:"xmlns,attr"`
	Results   []cwResult `xml:"GetMetricDataResult>MetricDataResults>member"`
	RequestID string     `xml:"ResponseMetadata>RequestId"`
}

// cwAnswer evaluates the returned queries, newest datapoint first, within
// MaxDatapoints in all.
func (s *Server) cwAnswer(w http.ResponseWriter, qs []cwQuery, start, end time.Time, maxPoints int) {
	resp := cwResponse{Namespace: "http://monitoring.amazonaws.com/doc/2010-08-01/", RequestID: "rehearsal"}
	left := maxPoints
	if left <= 0 {
		left = 100800
	}
	for _, q := range qs {
		if !q.returned {
			continue
		}
		res := cwResult{ID: q.id, Label: q.label, StatusCode: "Complete"}
		if q.problem == nil && q.root != nil && q.period > 0 {
			sr := q.root.eval(s.Recorder, window{from: start, to: end, step: q.period})
			ts := sr.sorted()
			sort.Slice(ts, func(i, j int) bool { return ts[i] > ts[j] })
			for _, t := range ts {
				if left == 0 {
					res.StatusCode = "PartialData"
					break
				}
				res.Timestamps = append(res.Timestamps, time.Unix(t, 0).UTC().Format(time.RFC3339))
				res.Values = append(res.Values, strconv.FormatFloat(sr.points[t], 'g', -1, 64))
				left--
			}
		}
		resp.Results = append(resp.Results, res)
	}
	w.Header().Set("Content-Type", "text/xml")
	_ = xml.NewEncoder(w).Encode(resp)
}

func cwFault(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	type errDoc struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Type      string   `xml:"Error>Type"`
		Code      string   `xml:"Error>Code"`
		Message   string   `xml:"Error>Message"`
		RequestID string   `xml:"RequestId"`
	}
	_ = xml.NewEncoder(w).Encode(errDoc{Type: "Sender", Code: code, Message: msg, RequestID: "rehearsal"})
}
