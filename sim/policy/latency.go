// This file reads which of a Canary's checks would catch a slow release, and
// how slow the rehearsed release must be to break them.

package policy

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
	"github.com/rehearse-dev/rehearse/scenarios"
)

// latencyChecks are the Canary's metrics that would catch a slow release.
type latencyChecks struct {
	bounds    []float64 // request-duration upper bounds, in milliseconds
	templates []string  // rehearsed template or inline metrics about duration or latency
	stubbed   []string  // latency metrics whose series rehearse cannot produce
}

// latencyOf reads the latency checks of the Canary as written (cd), given
// which metrics the subject had to stub and what the others read.
func latencyOf(s *subject, cd *v1beta1.Canary) latencyChecks {
	var l latencyChecks
	a := cd.GetAnalysis()
	if a == nil {
		return l
	}
	for _, m := range a.Metrics {
		if b, ok := durationBound(m); ok {
			l.bounds = append(l.bounds, b)
		}
		text, custom := s.queryText(m)
		switch {
		case !custom:
		case slices.Contains(s.stubbed, m.Name):
			if aboutLatency(m.Name + " " + text) {
				l.stubbed = append(l.stubbed, m.Name)
			}
		case s.reads[m.Name].Latency || aboutLatency(m.Name+" "+text):
			l.templates = append(l.templates, m.Name)
		}
	}
	return l
}

// queryText is what a template or inline metric is written as (the
// template's name and query), and whether the metric is one.
func (s *subject) queryText(m v1beta1.CanaryMetric) (string, bool) {
	if m.TemplateRef != nil {
		if tpl := s.template(m); tpl != nil {
			return tpl.Name + " " + tpl.Spec.Query, true
		}
		return "", false
	}
	return m.Query, m.Query != ""
}

// durationBound is the upper bound of a request-duration metric: the
// range's max, or the deprecated threshold when there is no range.
func durationBound(m v1beta1.CanaryMetric) (float64, bool) {
	if m.Name != manifest.RequestDuration || m.TemplateRef != nil || m.Query != "" {
		return 0, false
	}
	if r := m.ThresholdRange; r != nil {
		if r.Max == nil {
			return 0, false
		}
		return math.Trunc(*r.Max), true
	}
	return math.Trunc(m.Threshold), true
}

func aboutLatency(text string) bool {
	text = strings.ToLower(text)
	for _, w := range []string{"duration", "latency", "responsetime", "response_time", "response.time", "response-time"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// tightest is the lowest request-duration bound, in milliseconds; +Inf
// when there is none.
func (l latencyChecks) tightest() float64 {
	t := math.Inf(1)
	for _, b := range l.bounds {
		t = min(t, b)
	}
	return t
}

// usableBound: a request-duration bound the slow release's latency exceeds.
func (l latencyChecks) usableBound() bool {
	return len(l.bounds) > 0 && l.tightest() < float64(maxP99.Milliseconds())
}

// slowP99 is the slow release's P99: SlowP99, or the slowest latency the
// histograms read back when the tightest request-duration bound is not
// below SlowP99.
func (l latencyChecks) slowP99() time.Duration {
	if len(l.bounds) == 0 || l.tightest() < float64(SlowP99.Milliseconds()) {
		return SlowP99
	}
	return maxP99
}

// healthy is the latency of a healthy version: the simulator's default,
// or half the tightest bound when that is lower.
func (l latencyChecks) healthy() scenarios.Latency {
	p99 := scenarios.DefaultP99
	if t := l.tightest(); t/2 < float64(p99.Milliseconds()) {
		p99 = max(time.Duration(t/2*float64(time.Millisecond)), 100*time.Microsecond)
	}
	return scenarios.Latency{P50: min(scenarios.DefaultP50, p99/2), P99: p99}
}

// errorChecks are the Canary's metrics that would catch a bad release:
// those rehearsed, and those whose series rehearse cannot produce (any
// stubbed metric not about latency might count errors).
type errorChecks struct {
	rehearsed, stubbed []string
}

func errorsOf(s *subject, cd *v1beta1.Canary) errorChecks {
	var e errorChecks
	a := cd.GetAnalysis()
	if a == nil {
		return e
	}
	for _, m := range a.Metrics {
		text, custom := s.queryText(m)
		switch {
		case !custom && m.Name == manifest.RequestSuccessRate && m.TemplateRef == nil:
			e.rehearsed = append(e.rehearsed, m.Name)
		case !custom:
		case slices.Contains(s.stubbed, m.Name):
			if !aboutLatency(m.Name + " " + text) {
				e.stubbed = append(e.stubbed, m.Name)
			}
		case s.reads[m.Name].Errors:
			e.rehearsed = append(e.rehearsed, m.Name)
		}
	}
	return e
}
