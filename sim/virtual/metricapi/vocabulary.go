// This file judges a provider query's filters (status, namespace, workload
// attributes) against the traffic model's two kinds of request.

package metricapi

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The traffic model has two kinds of request: answered (as 200) and failed
// (as 500). A filter on a status attribute is judged by whether it keeps
// each kind, written as that attribute's kind of value spells it.
type statusKey int

const (
	notStatus  statusKey = iota
	codeKey              // 200 / 500
	classKey             // 2xx / 5xx
	flagKey              // false / true: "is an error"
	outcomeKey           // SUCCESS / SERVER_ERROR (Micrometer)
)

func statusKeyOf(key string) statusKey {
	k := strings.ToLower(key)
	switch {
	case strings.Contains(k, "class"):
		return classKey
	case strings.Contains(k, "outcome"):
		return outcomeKey
	case k == "error" || k == "iserror" || k == "is_error" || k == "failed" || k == "fault" || strings.HasSuffix(k, ".error"):
		return flagKey
	case strings.Contains(k, "status") || strings.Contains(k, "code"):
		return codeKey
	}
	return notStatus
}

// representatives are the values of a status attribute for an answered and
// a failed request.
func (s statusKey) representatives() (ok, failed string) {
	switch s {
	case classKey:
		return "2xx", "5xx"
	case flagKey:
		return "false", "true"
	case outcomeKey:
		return "SUCCESS", "SERVER_ERROR"
	}
	return "200", "500"
}

// isNamespaceKey: a namespace filter is taken as matching, since every
// series of the rehearsal is in the Canary's namespace.
func isNamespaceKey(key string) bool {
	return strings.Contains(strings.ToLower(key), "namespace")
}

// workloadWords are in the keys that name a workload: a value of one of
// them that names neither version makes the query unmappable.
var workloadWords = []string{"service", "app", "workload", "deployment", "pod", "container", "target", "job", "name", "host", "ingress", "route"}

func isWorkloadKey(key string) bool {
	k := strings.ToLower(key)
	for _, w := range workloadWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// filter is what one attribute filter does to a measure.
type filter struct {
	roles   *Roles
	class   *Class
	problem string // why the filter cannot be mapped
}

// judge reads one filter: key, and a matcher of its values (negated by the
// caller when the query negates it).
func (n Names) judge(key, written string, m matcher) filter {
	if s := statusKeyOf(key); s != notStatus {
		ok, failed := s.representatives()
		return filter{class: &Class{OK: m(ok), Errors: m(failed)}}
	}
	if r := n.rolesMatching(m); r.any() {
		return filter{roles: &r}
	}
	if isNamespaceKey(key) || !isWorkloadKey(key) {
		return filter{}
	}
	return filter{problem: fmt.Sprintf("%s %s names neither version (%s)", key, written, n.describe())}
}

// selection accumulates filters into the requests of some versions.
type selection struct {
	roles    Roles
	named    bool // a filter named a version
	class    Class
	problems []string
}

func newSelection() selection { return selection{class: AllRequests} }

func (s *selection) add(f filter) {
	switch {
	case f.problem != "":
		s.problems = append(s.problems, f.problem)
	case f.roles != nil && s.named:
		s.roles = s.roles.and(*f.roles)
	case f.roles != nil:
		s.roles, s.named = *f.roles, true
	case f.class != nil:
		s.class = s.class.and(*f.class)
	}
}

// problem says why the selection is not a workload's requests, or "".
func (s selection) problem(names Names) string {
	switch {
	case len(s.problems) > 0:
		return s.problems[0]
	case !s.named:
		return "no filter names a version (" + names.describe() + ")"
	case !s.roles.any():
		return "its filters name both versions at once, which no request matches"
	}
	return ""
}

// measureKind is what a metric name measures.
type measureKind int

const (
	unknownMeasure measureKind = iota
	requestsMeasure
	errorsMeasure
	latencyMeasure
)

// kindOfName reads a metric name: latency (duration, latency, response
// time, but not a histogram's _count), errors, or requests.
func kindOfName(name string) measureKind {
	n := strings.ToLower(name)
	countSuffix := strings.HasSuffix(n, "count") || strings.HasSuffix(n, "hits")
	switch {
	case hasAny(n, "duration", "latency", "responsetime", "response_time", "response.time", "request_time", "elapsed", "timer") && !countSuffix:
		return latencyMeasure
	case hasAny(n, "error", "5xx", "fault", "fail", "exception"):
		return errorsMeasure
	case hasAny(n, "request", "hits", "count", "calls", "total", "http", "traffic", "throughput", "transaction"):
		return requestsMeasure
	}
	return unknownMeasure
}

func hasAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// unitOfName is a latency's unit as its name spells it; seconds unless
// it says otherwise.
func unitOfName(name string) time.Duration {
	n := strings.ToLower(name)
	switch {
	case hasAny(n, "millisecond", "_ms", ".ms", "inms"):
		return time.Millisecond
	case hasAny(n, "microsecond", "_us", ".us"):
		return time.Microsecond
	}
	return time.Second
}

// numericMatcher compares a value as a number (or, failing that, as a
// string), for conditions like httpResponseCode >= 500 or status >= '500'.
func numericMatcher(op, operand string) matcher {
	want, numErr := strconv.ParseFloat(operand, 64)
	return func(v string) bool {
		got, err := strconv.ParseFloat(v, 64)
		if err != nil || numErr != nil {
			return compare(op, strings.Compare(v, operand))
		}
		switch {
		case got < want:
			return compare(op, -1)
		case got > want:
			return compare(op, 1)
		}
		return compare(op, 0)
	}
}

func compare(op string, c int) bool {
	switch op {
	case "=", "==":
		return c == 0
	case "!=", "<>":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

func not(m matcher) matcher { return func(v string) bool { return !m(v) } }

func anyOf(ms ...matcher) matcher {
	return func(v string) bool {
		for _, m := range ms {
			if m(v) {
				return true
			}
		}
		return false
	}
}

// classOfName is the requests a count metric counts, by its name: the 5xx
// (errors, faults, 5xx), the answered (2xx), none (3xx and 4xx: the
// traffic model has none), or all of them.
func classOfName(name string) (Class, bool) {
	n := strings.ToLower(name)
	switch {
	case hasAny(n, "2xx"):
		return Class{OK: true}, true
	case hasAny(n, "3xx", "4xx"):
		return Class{}, true
	}
	switch kindOfName(name) {
	case errorsMeasure:
		return Class{Errors: true}, true
	case requestsMeasure:
		return AllRequests, true
	}
	return Class{}, false
}
