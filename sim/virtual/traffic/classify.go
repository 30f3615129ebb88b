// This file classifies a queried series (counter, histogram, gauge) and
// finds which label values a query takes for errors.

package traffic

import (
	"regexp"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
)

// SeriesKind is how a series a query reads behaves.
type SeriesKind uint8

// The kinds of series rehearse writes from the traffic model.
const (
	// Counter counts requests: all of them, or split by answer.
	Counter SeriesKind = iota + 1
	// Histogram is a latency histogram: _bucket (with le), _sum, _count.
	Histogram
	// Gauge holds a latency statistic: a quantile or the mean.
	Gauge
)

func (k SeriesKind) String() string {
	switch k {
	case Counter:
		return "counter"
	case Histogram:
		return "histogram"
	case Gauge:
		return "gauge"
	}
	return "unknown"
}

// Answers says which requests a counter without an answer label counts.
type Answers uint8

// What a counter counts, matching the series sources.
const (
	AllAnswers    Answers = srcAll
	OKAnswers     Answers = srcOK
	FailedAnswers Answers = srcFailed
)

// statusLabels carry how a request was answered.
var statusLabels = []string{"response_code", "code", "status", "status_code", "http_status", "http_code",
	"http_status_code", "classification", "envoy_response_code", "envoy_response_code_class",
	"response_code_class", "status_class", "grpc_code", "grpc_status", "result", "outcome"}

// codeLike is a matcher value that reads as an HTTP status or class:
// 5.*, 5.., 5xx, 2[0-9]{2}, 500|503.
var codeLike = regexp.MustCompile(`^[1-5]([0-9x.*+?|\[\]{}\-^$]|\\d)*$`)

// answerPair is a good and an error value of one vocabulary.
type answerPair struct{ ok, failed string }

var (
	codes   = answerPair{"200", "500"}
	classes = answerPair{"2xx", "5xx"}
	digits  = answerPair{"2", "5"}
	words   = answerPair{"success", "failure"}
	okError = answerPair{"ok", "error"}
	grpc    = answerPair{"OK", "Internal"}
	boolean = answerPair{"true", "false"}
)

// vocabularies are the answer values to try for a label, most likely first.
func vocabularies(label string) []answerPair {
	switch {
	case label == "classification" || label == "result" || label == "outcome":
		return []answerPair{words, okError, boolean, codes, classes, digits}
	case strings.HasPrefix(label, "grpc"):
		return []answerPair{grpc, codes}
	case strings.HasSuffix(label, "_class"):
		return []answerPair{digits, classes, codes, words}
	}
	return []answerPair{codes, classes, digits, words, okError}
}

// isStatusLabel says whether a label carries the answer, by its name or,
// for a name rehearse does not know, by every matcher's value reading as
// an HTTP status.
func isStatusLabel(name string, ms []*labels.Matcher) bool {
	if slices.Contains(statusLabels, name) {
		return true
	}
	for _, m := range ms {
		if !codeLike.MatchString(m.Value) {
			return false
		}
	}
	return len(ms) > 0
}

// pickAnswers finds the vocabulary whose values every matcher on the
// answer label accepts at least one of, preferring one in which some
// matcher tells a good answer from an error, so that the query's own
// filter splits the traffic model's requests as it would split real ones.
// splits says whether a matcher does.
func pickAnswers(label string, ms []*labels.Matcher) (pair answerPair, splits, ok bool) {
	var fallback *answerPair
	for _, p := range vocabularies(label) {
		accepted, split := true, false
		for _, m := range ms {
			good, bad := m.Matches(p.ok), m.Matches(p.failed)
			accepted = accepted && (good || bad)
			split = split || good != bad
		}
		switch {
		case accepted && split:
			return p, true, true
		case accepted && fallback == nil:
			fallback = &p
		}
	}
	if fallback == nil {
		return answerPair{}, false, false
	}
	return *fallback, false, true
}

// Words in a series name that say what it measures.
var (
	latencyWords  = []string{"latency", "duration", "second", "millis", "_ms", "response_time"}
	errorWords    = []string{"error", "fail", "5xx", "exception", "fault"}
	okWords       = []string{"success", "2xx"}
	resourceWords = []string{"cpu", "memory", "bytes", "seconds_total", "threads", "goroutines", "gc_", "fds"}
)

func mentions(name string, words []string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(name, w) })
}

func isLatency(name string) bool { return mentions(name, latencyWords) }

// inSeconds: a latency named in seconds; milliseconds otherwise (the unit
// of the mesh series that carry none in their name).
func inSeconds(name string) bool {
	return strings.Contains(name, "second") && !strings.Contains(name, "millisecond") && !strings.Contains(name, "microsecond")
}

// counts is what a counter named so counts, when no label splits it.
func counts(name string) Answers {
	switch {
	case mentions(name, errorWords):
		return FailedAnswers
	case mentions(name, okWords):
		return OKAnswers
	}
	return AllAnswers
}

// quantileIn reads the latency quantile a gauge's name states: p99, p95,
// p90, p50 or median; 0 for a mean; ok is false when it states none.
func quantileIn(name string) (q float64, ok bool) {
	for _, c := range []struct {
		word string
		q    float64
	}{{"p99", 0.99}, {"p95", 0.95}, {"p90", 0.9}, {"p75", 0.75}, {"p50", 0.5}, {"median", 0.5},
		{"mean", 0}, {"avg", 0}, {"average", 0}} {
		if strings.Contains(name, c.word) {
			return c.q, true
		}
	}
	return 0, false
}
