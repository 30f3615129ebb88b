// This file compiles a Canary's A/B conditions (analysis.match) and tests
// requests against them as Istio's Envoy does: exact, prefix, suffix or
// whole-value regex on URI, method, authority, headers and query.

package proxy

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// stringMatcher is a compiled v1beta1.StringMatch.
type stringMatcher struct {
	exact, prefix, suffix string
	re                    *regexp.Regexp
}

func compileString(m v1beta1.StringMatch) (stringMatcher, error) {
	sm := stringMatcher{exact: m.Exact, prefix: m.Prefix, suffix: m.Suffix}
	if m.Regex != "" {
		// Envoy matches the whole value (RE2), as Istio documents.
		re, err := regexp.Compile("^(?:" + m.Regex + ")$")
		if err != nil {
			return sm, fmt.Errorf("regex %q: %w", m.Regex, err)
		}
		sm.re = re
	}
	return sm, nil
}

// match says whether s satisfies the condition; a condition with nothing
// set asks only for presence, which the caller checks.
func (m stringMatcher) match(s string) bool {
	switch {
	case m.exact != "":
		return s == m.exact
	case m.prefix != "":
		return strings.HasPrefix(s, m.prefix)
	case m.suffix != "":
		return strings.HasSuffix(s, m.suffix)
	case m.re != nil:
		return m.re.MatchString(s)
	}
	return true
}

// matcher is one compiled HTTPMatchRequest: every condition must hold.
type matcher struct {
	uri, method, authority *stringMatcher
	ignoreURICase          bool
	headers, without       map[string]stringMatcher
	query                  map[string]stringMatcher
}

// compile compiles A/B conditions; any of them matching routes a request.
func compile(ms []v1beta1.HTTPMatchRequest) ([]matcher, error) {
	out := make([]matcher, 0, len(ms))
	for i, m := range ms {
		c, err := compileOne(m)
		if err != nil {
			return nil, fmt.Errorf("analysis.match[%d]: %w", i, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func compileOne(m v1beta1.HTTPMatchRequest) (c matcher, err error) {
	c.ignoreURICase = m.IgnoreURICase
	if c.uri, err = compileOptional("uri", m.URI); err != nil {
		return c, err
	}
	if c.method, err = compileOptional("method", m.Method); err != nil {
		return c, err
	}
	if c.authority, err = compileOptional("authority", m.Authority); err != nil {
		return c, err
	}
	if c.headers, err = compileMap(m.Headers); err != nil {
		return c, err
	}
	if c.without, err = compileMap(m.WithoutHeaders); err != nil {
		return c, err
	}
	c.query, err = compileMap(m.QueryParams)
	return c, err
}

func compileOptional(what string, in *v1beta1.StringMatch) (*stringMatcher, error) {
	if in == nil {
		return nil, nil
	}
	sm, err := compileString(*in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return &sm, nil
}

func compileMap(in map[string]v1beta1.StringMatch) (map[string]stringMatcher, error) {
	out := make(map[string]stringMatcher, len(in))
	for k, v := range in {
		sm, err := compileString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = sm
	}
	return out, nil
}

// matches says whether any of the conditions holds for r.
func matches(ms []matcher, r *http.Request) bool {
	for _, m := range ms {
		if m.matches(r) {
			return true
		}
	}
	return false
}

func (m matcher) matches(r *http.Request) bool {
	path := r.URL.Path
	if m.ignoreURICase {
		path = strings.ToLower(path)
	}
	return optional(m.uri, path) && optional(m.method, r.Method) && optional(m.authority, r.Host) &&
		headersMatch(m.headers, r.Header) && !anyHeader(m.without, r.Header) && queryMatch(m.query, r)
}

func optional(m *stringMatcher, s string) bool { return m == nil || m.match(s) }

func headersMatch(ms map[string]stringMatcher, h http.Header) bool {
	for name, m := range ms {
		v, ok := header(h, name)
		if !ok || !m.match(v) {
			return false
		}
	}
	return true
}

// anyHeader is true when one of the withoutHeaders conditions holds.
func anyHeader(ms map[string]stringMatcher, h http.Header) bool {
	for name, m := range ms {
		if v, ok := header(h, name); ok && m.match(v) {
			return true
		}
	}
	return false
}

// header joins a header's values as one line, as a proxy sees them.
func header(h http.Header, name string) (string, bool) {
	vs := h.Values(name)
	sep := ", "
	if strings.EqualFold(name, "cookie") {
		sep = "; "
	}
	return strings.Join(vs, sep), len(vs) > 0
}

func queryMatch(ms map[string]stringMatcher, r *http.Request) bool {
	if len(ms) == 0 {
		return true
	}
	q := r.URL.Query()
	for name, m := range ms {
		if !q.Has(name) || !m.match(q.Get(name)) {
			return false
		}
	}
	return true
}
