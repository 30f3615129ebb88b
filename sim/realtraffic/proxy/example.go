// This file builds a request that matches the first A/B condition, so the
// share of a steady load standing for the selected users (insiders with a
// header or cookie) reaches the canary; it fails when none can be built.

package proxy

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Example returns a function that turns a request into one that matches the
// first of the A/B conditions: the share of a steady load that stands for
// the users the conditions select (insiders with a header or cookie).
func Example(ms []v1beta1.HTTPMatchRequest) (func(*http.Request), error) {
	if len(ms) == 0 {
		return nil, errors.New("no A/B condition to build a request for")
	}
	compiled, err := compile(ms[:1])
	if err != nil {
		return nil, err
	}
	decorate, err := exampleOf(ms[0])
	if err != nil {
		return nil, err
	}
	probe, _ := http.NewRequest(http.MethodGet, "http://example/", nil)
	decorate(probe)
	if !matches(compiled, probe) {
		return nil, fmt.Errorf("cannot build a request that matches analysis.match[0] (%s): the rehearsal's A/B share would reach nobody", describe(ms[0]))
	}
	return decorate, nil
}

// exampleOf builds the values a request needs for every condition.
func exampleOf(m v1beta1.HTTPMatchRequest) (func(*http.Request), error) {
	var sets []func(*http.Request)
	add := func(what string, sm *v1beta1.StringMatch, set func(*http.Request, string)) error {
		if sm == nil {
			return nil
		}
		v, err := exampleString(*sm)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		sets = append(sets, func(r *http.Request) { set(r, v) })
		return nil
	}
	err := errors.Join(
		add("uri", m.URI, func(r *http.Request, v string) { r.URL.Path = v }),
		add("method", m.Method, func(r *http.Request, v string) { r.Method = v }),
		add("authority", m.Authority, func(r *http.Request, v string) { r.Host = v }))
	for name, sm := range m.Headers {
		err = errors.Join(err, add("header "+name, &sm, func(r *http.Request, v string) { r.Header.Set(name, v) }))
	}
	for name, sm := range m.QueryParams {
		err = errors.Join(err, add("query "+name, &sm, func(r *http.Request, v string) { setQuery(r, name, v) }))
	}
	return func(r *http.Request) {
		for _, set := range sets {
			set(r)
		}
	}, err
}

func setQuery(r *http.Request, name, v string) {
	q := r.URL.Query()
	q.Set(name, v)
	r.URL.RawQuery = q.Encode()
}

// exampleString is a value the condition accepts.
func exampleString(m v1beta1.StringMatch) (string, error) {
	switch {
	case m.Exact != "":
		return m.Exact, nil
	case m.Prefix != "":
		return m.Prefix, nil
	case m.Suffix != "":
		return m.Suffix, nil
	case m.Regex != "":
		return exampleRegex(m.Regex)
	}
	return "1", nil // presence only
}

// exampleRegex writes a short string the expression matches: the first
// branch of each alternation, no repetition beyond the minimum, the first
// character of each class.
func exampleRegex(expr string) (string, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("regex %q: %w", expr, err)
	}
	var b strings.Builder
	writeExample(&b, re.Simplify())
	return b.String(), nil
}

func writeExample(b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		if len(re.Rune) > 0 {
			b.WriteRune(re.Rune[0])
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('x')
	case syntax.OpCapture, syntax.OpPlus, syntax.OpAlternate:
		writeExample(b, re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			writeExample(b, sub)
		}
	case syntax.OpRepeat:
		for range re.Min {
			writeExample(b, re.Sub[0])
		}
	}
	// Star, quest, anchors and boundaries need nothing.
}

func describe(m v1beta1.HTTPMatchRequest) string {
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(m.Headers)) {
		parts = append(parts, "header "+name)
	}
	if m.URI != nil {
		parts = append(parts, "uri")
	}
	if len(parts) == 0 {
		return "no header or uri condition"
	}
	return strings.Join(parts, ", ")
}
