// This file reads a query's parameters (time, start, end, step, timeout)
// with a stock server's parsing and error messages.

package prom

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql"
)

// maxPointsPerSeries is Prometheus's cap on a range query's resolution.
const maxPointsPerSeries = 11000

// formValues is how a parameter is read: a function such as a request's
// FormValue, or else the in-process transport's URL query, read where it is.
type formValues struct {
	get func(name string) string
	raw string // read by firstValue when get is nil
}

// value is the parameter's first value, or "".
func (f formValues) value(name string) string {
	if f.get != nil {
		return f.get(name)
	}
	return firstValue(f.raw, name)
}

// queryParams are the parameters both query endpoints share.
type queryParams struct {
	query   string
	limit   int           // 0: no limit
	timeout time.Duration // 0: none beyond Options.QueryTimeout
	opts    promql.QueryOpts
	stats   string
}

// context bounds the request's context by the timeout parameter.
func (p queryParams) context(parent context.Context) (context.Context, context.CancelFunc) {
	if p.timeout == 0 {
		return parent, func() {}
	}
	return context.WithTimeout(parent, p.timeout)
}

// instantParams reads /api/v1/query's parameters in the order Prometheus
// checks them, so the first error reported is the same.
func (s *Server) instantParams(form formValues) (queryParams, time.Time, *apiError) {
	var p queryParams
	var err *apiError
	if p.limit, err = limitParam(form); err != nil {
		return p, time.Time{}, err
	}
	at, perr := timeParam(form.value("time"), s.opts.Now)
	if perr != nil {
		return p, time.Time{}, badParam("time", fmt.Errorf("invalid time value for 'time': %w", perr))
	}
	p, err = finishParams(form, p)
	return p, at, err
}

// rangeParams reads /api/v1/query_range's parameters, checked in order.
func rangeParams(form formValues) (queryParams, timeRange, *apiError) {
	var p queryParams
	var err *apiError
	if p.limit, err = limitParam(form); err != nil {
		return p, timeRange{}, err
	}
	tr, err := timeRangeParams(form)
	if err != nil {
		return p, tr, err
	}
	p, err = finishParams(form, p)
	return p, tr, err
}

type timeRange struct {
	start, end time.Time
	step       time.Duration
}

func timeRangeParams(form formValues) (timeRange, *apiError) {
	var tr timeRange
	var err error
	if tr.start, err = parseTime(form.value("start")); err != nil {
		return tr, badParam("start", err)
	}
	if tr.end, err = parseTime(form.value("end")); err != nil {
		return tr, badParam("end", err)
	}
	if tr.end.Before(tr.start) {
		return tr, badParam("end", errors.New("end timestamp must not be before start time"))
	}
	if tr.step, err = parseDuration(form.value("step")); err != nil {
		return tr, badParam("step", err)
	}
	return tr, checkStep(tr)
}

func checkStep(tr timeRange) *apiError {
	if tr.step <= 0 {
		return badParam("step", errors.New("zero or negative query resolution step widths are not accepted. Try a positive integer"))
	}
	if tr.end.Sub(tr.start)/tr.step > maxPointsPerSeries {
		return &apiError{typ: errBadData, err: errors.New("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")}
	}
	return nil
}

// finishParams reads timeout, lookback_delta, stats and query.
func finishParams(form formValues, p queryParams) (queryParams, *apiError) {
	if to := form.value("timeout"); to != "" {
		d, err := parseDuration(to)
		if err != nil {
			return p, badParam("timeout", err)
		}
		p.timeout = d
	}
	var lookback time.Duration
	if lb := form.value("lookback_delta"); lb != "" {
		d, err := parseDuration(lb)
		if err != nil {
			return p, &apiError{typ: errBadData, err: fmt.Errorf("error parsing lookback delta duration: %w", err)}
		}
		lookback = d
	}
	p.stats = form.value("stats")
	p.opts = queryOpts(p.stats == "all", lookback)
	p.query = form.value("query")
	return p, nil
}

// defaultQueryOpts are the options of a query that sets neither stats=all
// nor lookback_delta, as a check's does: the engine only reads them, so
// queries share one value.
var defaultQueryOpts = promql.NewPrometheusQueryOpts(false, 0)

func queryOpts(perStepStats bool, lookback time.Duration) promql.QueryOpts {
	if !perStepStats && lookback == 0 {
		return defaultQueryOpts
	}
	return promql.NewPrometheusQueryOpts(perStepStats, lookback)
}

func limitParam(form formValues) (int, *apiError) {
	s := form.value("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, badParam("limit", err)
	}
	if n < 0 {
		return 0, badParam("limit", errors.New("limit must be non-negative"))
	}
	return n, nil
}

// timeParam reads an optional time; an absent one means now.
func timeParam(s string, now func() time.Time) (time.Time, error) {
	if s == "" {
		return now(), nil
	}
	return parseTime(s)
}

// parseTime accepts Unix seconds (rounded to the millisecond) or RFC 3339.
func parseTime(s string) (time.Time, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		sec, frac := math.Modf(f)
		millis := math.Round(frac * 1000)
		return time.Unix(int64(sec), int64(millis)*int64(time.Millisecond)).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("cannot parse %q to a valid timestamp", s)
}

// parseDuration accepts seconds as a float or a Prometheus duration ("5m").
func parseDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		ns := f * float64(time.Second)
		if ns > float64(math.MaxInt64) || ns < float64(math.MinInt64) {
			return 0, fmt.Errorf("cannot parse %q to a valid duration. It overflows int64", s)
		}
		return time.Duration(ns), nil
	}
	if d, err := model.ParseDuration(s); err == nil {
		return time.Duration(d), nil
	}
	return 0, fmt.Errorf("cannot parse %q to a valid duration", s)
}
