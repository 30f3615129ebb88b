// This file turns a metric answer into a verdict: the checks a Canary plans, in order, and the
// pure comparison against its threshold range; kept apart so it is tested as a table.

package engine

import (
	"fmt"
	"math"
	"strconv"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Builtin metric names every provider answers.
const (
	MetricSuccessRate = "request-success-rate"
	MetricDuration    = "request-duration"
)

// MetricCheck is how one metric is measured and judged.
type MetricCheck int

// The checks, named after what Flagger runs for a metric.
const (
	CheckSuccessRate MetricCheck = iota + 1
	CheckDuration
	CheckQuery
	CheckTemplate
	// CheckUnusable is a metric with no builtin name, template or query:
	// Flagger only finds out during the analysis, and fails the check.
	CheckUnusable
)

var checkNames = map[MetricCheck]string{CheckSuccessRate: "success-rate", CheckDuration: "duration",
	CheckQuery: "query", CheckTemplate: "template", CheckUnusable: "unusable"}

func (c MetricCheck) String() string { return checkNames[c] }

// PlannedCheck is one metric check at its place in the analysis.
type PlannedCheck struct {
	Index int
	Check MetricCheck
}

// MetricChecks lists the checks in the order Flagger runs them: a first pass
// over the metrics for builtins and inline queries (runBuiltinMetricChecks),
// then a second for templates (runMetricChecks). A metric named like a
// builtin that also has a query or template is checked more than once, as in
// Flagger.
func MetricChecks(metrics []v1beta1.CanaryMetric) []PlannedCheck {
	return appendMetricChecks(nil, metrics)
}

// appendMetricChecks appends MetricChecks(metrics) to dst, so a tick can
// plan its checks into a buffer on its stack.
func appendMetricChecks(dst []PlannedCheck, metrics []v1beta1.CanaryMetric) []PlannedCheck {
	for i, m := range metrics {
		if m.Name == MetricSuccessRate {
			dst = append(dst, PlannedCheck{i, CheckSuccessRate})
		}
		if m.Name == MetricDuration {
			dst = append(dst, PlannedCheck{i, CheckDuration})
		}
		if m.Query != "" {
			dst = append(dst, PlannedCheck{i, CheckQuery})
		}
	}
	for i, m := range metrics {
		switch {
		case m.TemplateRef != nil:
			dst = append(dst, PlannedCheck{i, CheckTemplate})
		case m.Name != MetricSuccessRate && m.Name != MetricDuration && m.Query == "":
			dst = append(dst, PlannedCheck{i, CheckUnusable})
		}
	}
	return dst
}

// Verdict is the judgement of one metric measurement.
type Verdict struct {
	Passed bool
	Reason string
}

// Assess judges one measurement against the metric's thresholds. Bounds are
// inclusive. The deprecated threshold is a minimum for the success rate and a
// maximum for everything else. request-duration compares whole milliseconds,
// as Flagger does by converting both sides to a time.Duration.
func Assess(m v1beta1.CanaryMetric, check MetricCheck, a Answer) Verdict {
	v, val := judge(m, check, a)
	if v.Passed {
		v.Reason = fmt.Sprintf("%s %s within range", m.Name, num(val))
	}
	return v
}

// judge is Assess without the reason of a pass, which a tick never
// words (only a failure halts it, with its reason), and the value judged:
// the pass's reason was most of what assessing a metric cost a Step.
func judge(m v1beta1.CanaryMetric, check MetricCheck, a Answer) (v Verdict, val float64) {
	f, val, bound := failureOf(m, check, a)
	if f == noFailure {
		return Verdict{Passed: true}, val
	}
	return Verdict{Reason: f.reason(m, a, val, bound)}, val
}

// failure is how an answer fails its metric's check, if it does.
type failure int

const (
	noFailure failure = iota
	unusable
	queryFailed
	noValues
	belowMin
	aboveMax
)

// failureOf judges an answer without wording the verdict: how it fails,
// the value judged and the bound it crossed. A quiet step (see
// NextQuestion) asks only whether it fails.
func failureOf(m v1beta1.CanaryMetric, check MetricCheck, a Answer) (f failure, val, bound float64) {
	switch {
	case check == CheckUnusable:
		return unusable, 0, 0
	case a.Err != "":
		return queryFailed, 0, 0
	case a.NoValues || math.IsNaN(a.Value):
		return noValues, 0, 0
	}
	val, lo, hi := bounds(m, check, a.Value)
	switch {
	case lo.set && val < lo.v:
		return belowMin, val, lo.v
	case hi.set && val > hi.v:
		return aboveMax, val, hi.v
	}
	return noFailure, val, 0
}

// reason words a failure, as Flagger does.
func (f failure) reason(m v1beta1.CanaryMetric, a Answer, val, bound float64) string {
	switch f {
	case unusable:
		return "metric " + m.Name + " has no builtin name, templateRef or query"
	case queryFailed:
		return "metric " + m.Name + " query failed: " + a.Err
	case noValues:
		return "no values found for metric " + m.Name + ": is the canary receiving traffic?"
	case belowMin:
		return m.Name + " " + num(val) + " < " + num(bound)
	}
	return m.Name + " " + num(val) + " > " + num(bound)
}

// Thresholds are the bounds a metric is held to (nil where it has none):
// its thresholdRange, else the deprecated threshold, a minimum for the
// success rate and a maximum for everything else. Reports and backtests
// show them as Assess applies them.
func Thresholds(m v1beta1.CanaryMetric, check MetricCheck) (lo, hi *float64) {
	if r := m.ThresholdRange; r != nil {
		return r.Min, r.Max
	}
	// Pointers to a copy: one into m would put all of m on the heap, on
	// every check of every tick.
	if check == CheckSuccessRate {
		t := m.Threshold
		return &t, nil
	}
	t := m.Threshold
	return nil, &t
}

// bounds returns the value and the bounds it is compared with: whole
// milliseconds for request-duration. They are values, not Thresholds'
// pointers, so that judging a metric puts nothing on the heap.
func bounds(m v1beta1.CanaryMetric, check MetricCheck, val float64) (v float64, lo, hi limit) {
	l, h := Thresholds(m, check)
	lo, hi = limitOf(l), limitOf(h)
	if check != CheckDuration {
		return val, lo, hi
	}
	return math.Trunc(val), lo.truncated(), hi.truncated()
}

// limit is one bound of a threshold range, if it has one.
type limit struct {
	v   float64
	set bool
}

func limitOf(f *float64) limit {
	if f == nil {
		return limit{}
	}
	return limit{v: *f, set: true}
}

func (l limit) truncated() limit { return limit{v: math.Trunc(l.v), set: l.set} }

// num formats a metric value the way reports show it: at most two decimals.
func num(f float64) string {
	return strconv.FormatFloat(f, 'f', 2, 64) // as %.2f, without boxing f
}
