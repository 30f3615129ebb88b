// This file maps a recording onto a Canary's world: the series the user
// names as the canary's and the primary's get the label values the
// Canary's own queries select, and the renames are listed for the report.

package recording

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// Role is what a recorded series stands for in the Canary's world.
type Role int

// The roles; Other series are loaded as they were recorded.
const (
	Other Role = iota
	Canary
	Primary
)

func (r Role) String() string { return [...]string{"other", "canary", "primary"}[r] }

// Mapping says which recorded series were the canary's and which the
// primary's: every matcher of a role must match. An empty Primary leaves
// the primary's series out (a single workload standing in for the
// canary); an empty Canary maps nothing (the recording already uses the
// Canary's own names).
type Mapping struct {
	Canary, Primary []*labels.Matcher
}

// Names are the names a Canary's queries use for each role: the
// workload's, then its Service's.
type Names struct {
	Canary, Primary []string
}

// NamesOf lists the Canary's names, the preferred first.
func NamesOf(cd *v1beta1.Canary) Names {
	_, primarySvc, canarySvc := cd.GetServiceNames()
	return Names{Canary: []string{cd.Spec.TargetRef.Name, canarySvc}, Primary: []string{cd.PrimaryName(), primarySvc}}
}

// roleOf classifies a value a query selects: one naming the primary, one
// naming the canary (the target without "-primary"), or neither (a
// namespace, a reporter...), which suits both roles.
func (n Names) roleOf(v string) Role {
	for _, name := range n.Primary {
		if strings.Contains(v, name) {
			return Primary
		}
	}
	for _, name := range n.Canary {
		if strings.Contains(v, name) {
			return Canary
		}
	}
	return Other
}

func (n Names) of(r Role) []string {
	if r == Primary {
		return n.Primary
	}
	return n.Canary
}

// Rename is one label a role's series get another value for.
type Rename struct {
	Role        Role
	Label       string
	From, To    string
	ReadByQuery bool // a query reads the label; otherwise it is kept
	Explanation string
}

func (r Rename) String() string {
	if !r.ReadByQuery {
		return fmt.Sprintf("%s: %s=%q kept (no query reads %s)", r.Role, r.Label, r.From, r.Label)
	}
	return fmt.Sprintf("%s: %s %q → %q (%s)", r.Role, r.Label, r.From, r.To, r.Explanation)
}

// Mapped is a recording with its canary's and primary's series renamed.
type Mapped struct {
	Series  []Series // sorted by labels
	Roles   []Role   // Roles[i] is the role of Series[i]
	Renames []Rename
}

// Map renames the label values the mapping's equality matchers name to
// the values the Canary's queries select for that role, so the Canary's
// own queries select the recorded series. A label no query reads keeps
// its value. Two series that end up with the same labels, or one that
// both roles claim, are errors.
func Map(r *Recording, m Mapping, qs []Query, names Names) (*Mapped, error) {
	read := readMatchers(qs)
	renames := map[Role][]Rename{Canary: renamesOf(Canary, m.Canary, read, names), Primary: renamesOf(Primary, m.Primary, read, names)}
	out := &Mapped{Renames: append(slices.Clone(renames[Canary]), renames[Primary]...)}
	from := map[string]labels.Labels{}
	for _, s := range r.Series {
		role, err := roleOfSeries(s.Labels, m)
		if err != nil {
			return nil, err
		}
		l := relabel(s.Labels, renames[role])
		if prev, ok := from[l.String()]; ok {
			return nil, fmt.Errorf("the recorded series %s and %s both become %s under the mapping: make --canary and --primary tell them apart", prev, s.Labels, l)
		}
		from[l.String()] = s.Labels
		out.Series = append(out.Series, Series{Labels: l, Samples: s.Samples})
		out.Roles = append(out.Roles, role)
	}
	sortMapped(out)
	return out, nil
}

func roleOfSeries(l labels.Labels, m Mapping) (Role, error) {
	c := len(m.Canary) > 0 && matchesAll(l, m.Canary)
	p := len(m.Primary) > 0 && matchesAll(l, m.Primary)
	switch {
	case c && p:
		return Other, fmt.Errorf("the recorded series %s matches both the canary's and the primary's selector: make them exclusive", l)
	case c:
		return Canary, nil
	case p:
		return Primary, nil
	}
	return Other, nil
}

func matchesAll(l labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(l.Get(m.Name)) {
			return false
		}
	}
	return true
}

func relabel(l labels.Labels, renames []Rename) labels.Labels {
	if len(renames) == 0 {
		return l
	}
	b := labels.NewBuilder(l)
	for _, r := range renames {
		b.Set(r.Label, r.To)
	}
	return b.Labels()
}

func sortMapped(m *Mapped) {
	idx := make([]int, len(m.Series))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return labels.Compare(m.Series[a].Labels, m.Series[b].Labels) })
	series, roles := make([]Series, len(idx)), make([]Role, len(idx))
	for i, j := range idx {
		series[i], roles[i] = m.Series[j], m.Roles[j]
	}
	m.Series, m.Roles = series, roles
}

// readMatchers are the matchers the queries' selectors hold, by label.
func readMatchers(qs []Query) map[string][]*labels.Matcher {
	out := map[string][]*labels.Matcher{}
	for _, q := range qs {
		for _, vs := range q.Selectors {
			for _, m := range vs.LabelMatchers {
				if m.Name != labels.MetricName {
					out[m.Name] = append(out[m.Name], m)
				}
			}
		}
	}
	return out
}

// renamesOf decides, for each equality matcher of a role's selector, the
// value the role's series get.
func renamesOf(role Role, sel []*labels.Matcher, read map[string][]*labels.Matcher, names Names) []Rename {
	var out []Rename
	for _, m := range sel {
		if m.Type != labels.MatchEqual || m.Name == labels.MetricName {
			continue
		}
		r := Rename{Role: role, Label: m.Name, From: m.Value, To: m.Value}
		if ms := read[m.Name]; len(ms) > 0 {
			r.ReadByQuery = true
			r.To, r.Explanation = valueFor(role, ms, names)
		}
		out = append(out, r)
	}
	return out
}

// valueFor picks the value the queries select for a role: a literal
// value naming the role, else one naming no role (a namespace), else the
// first of the role's names some matcher accepts, else the role's first
// name.
func valueFor(role Role, ms []*labels.Matcher, names Names) (string, string) {
	neutral := ""
	for _, m := range ms {
		v, ok := literal(m)
		if !ok {
			continue
		}
		switch names.roleOf(v) {
		case role:
			return v, "the value the queries select for the " + role.String()
		case Other:
			if neutral == "" {
				neutral = v
			}
		}
	}
	if neutral != "" {
		return neutral, "the value the queries select"
	}
	for _, n := range names.of(role) {
		for _, m := range ms {
			if m.Matches(n) {
				return n, "the " + role.String() + "'s name, which the queries select"
			}
		}
	}
	return names.of(role)[0], "the " + role.String() + "'s name"
}

// literal is the value a matcher selects when it selects exactly one.
func literal(m *labels.Matcher) (string, bool) {
	switch m.Type {
	case labels.MatchEqual:
		return m.Value, m.Value != ""
	case labels.MatchRegexp:
		return m.Value, m.Value != "" && regexp.QuoteMeta(m.Value) == m.Value
	}
	return "", false
}
