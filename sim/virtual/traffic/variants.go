// This file chooses label values that make a query's selectors match one
// version's series and not the other's.

package traffic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
)

// variants picks, for each version, the label sets its series carry. Every
// label a selector names gets, for each version, values that satisfy the
// selectors reading that version: the version's own names for a label
// that identifies a workload (see roleCandidates), the query's values for
// any other. A selector reads a version when some value of each of its
// labels satisfies its matchers; one that reads neither is unmappable.
// When both versions' series would carry the same labels, a pod label
// tells them apart, as it does in a real scrape.
func (g *group) variants(names roleNames, status string) ([2][]labels.Labels, error) {
	byLabel := g.allMatchers()
	delete(byLabel, "le")
	delete(byLabel, status)
	labelNames := sortedLabelNames(byLabel)
	var out [2][]labels.Labels
	reads := make([][2]bool, len(g.sels))
	for _, role := range []Role{Primary, Canary} {
		cands := map[string][]string{}
		for _, l := range labelNames {
			cands[l] = names.candidates(l, role, byLabel[l])
		}
		for i, s := range g.sels {
			reads[i][role] = selects(s, cands, status)
		}
		out[role] = g.roleVariants(role, labelNames, cands, reads)
		if len(out[role]) > maxVariants {
			return out, &Unmappable{Selector: g.sels[0].String(), Why: fmt.Sprintf(
				"its selectors ask for more than %d label combinations of one version", maxVariants)}
		}
	}
	for i, r := range reads {
		if !r[Primary] && !r[Canary] {
			return out, &Unmappable{Selector: g.sels[i].String(), Why: unreadWhy(g.sels[i], names, status)}
		}
	}
	distinguish(&out, names)
	return out, nil
}

// roleVariants is every combination of the values chosen for each label,
// or nothing when no selector reads the version.
func (g *group) roleVariants(role Role, labelNames []string, cands map[string][]string, reads [][2]bool) []labels.Labels {
	var readers []Selector
	for i, s := range g.sels {
		if reads[i][role] {
			readers = append(readers, s)
		}
	}
	if len(readers) == 0 {
		return nil
	}
	combos := [][]string{nil}
	for _, l := range labelNames {
		var next [][]string
		for _, c := range combos {
			for _, v := range chooseValues(l, cands[l], readers) {
				next = append(next, append(slices.Clip(c), l, v))
			}
		}
		if combos = next; len(combos) > maxVariants {
			break
		}
	}
	out := make([]labels.Labels, len(combos))
	for i, c := range combos {
		out[i] = pairsToLabels(c)
	}
	return out
}

// pairsToLabels builds labels, leaving out empty values (an empty label
// is an absent one in Prometheus).
func pairsToLabels(pairs []string) labels.Labels {
	b := labels.NewScratchBuilder(len(pairs) / 2)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			b.Add(pairs[i], pairs[i+1])
		}
	}
	b.Sort()
	return b.Labels()
}

// chooseValues picks as few of a label's candidate values as satisfy
// every reading selector's matchers on it, in the selectors' order; with
// no matcher to satisfy, the first candidate (a version's own name) or
// none.
func chooseValues(label string, cands []string, readers []Selector) []string {
	var chosen []string
	for _, s := range readers {
		ms := s.matchers()[label]
		if len(ms) == 0 || slices.ContainsFunc(chosen, func(v string) bool { return valueMatches(v, ms) }) {
			continue
		}
		if i := slices.IndexFunc(cands, func(v string) bool { return valueMatches(v, ms) }); i >= 0 {
			chosen = append(chosen, cands[i])
		}
	}
	if len(chosen) == 0 && len(cands) > 0 {
		chosen = cands[:1]
	}
	return chosen
}

// selects says whether a selector reads the version whose candidate
// values are cands.
func selects(s Selector, cands map[string][]string, status string) bool {
	for l, ms := range s.matchers() {
		if l == "le" || l == status {
			continue
		}
		if !slices.ContainsFunc(cands[l], func(v string) bool { return valueMatches(v, ms) }) {
			return false
		}
	}
	return true
}

// unreadWhy names the matchers no value of either version satisfies.
func unreadWhy(s Selector, names roleNames, status string) string {
	var bad []string
	ms := s.matchers()
	for _, l := range sortedLabelNames(ms) {
		if l == "le" || l == status {
			continue
		}
		c, p := names.candidates(l, Canary, ms[l]), names.candidates(l, Primary, ms[l])
		if !slices.ContainsFunc(append(c, p...), func(v string) bool { return valueMatches(v, ms[l]) }) {
			for _, m := range ms[l] {
				bad = append(bad, m.String())
			}
		}
	}
	if len(bad) == 0 {
		return "its matchers together select neither the canary's series nor the primary's"
	}
	return fmt.Sprintf("neither the canary's series nor the primary's can carry %s (they are %s's, in namespace %s)",
		strings.Join(bad, ", "), names.target, names.namespace)
}

// distinguish adds each version's pod label when a label set of the
// canary's equals one of the primary's.
func distinguish(out *[2][]labels.Labels, names roleNames) {
	same := slices.ContainsFunc(out[Canary], func(c labels.Labels) bool {
		return slices.ContainsFunc(out[Primary], func(p labels.Labels) bool { return labels.Equal(c, p) })
	})
	if !same {
		return
	}
	for _, role := range []Role{Primary, Canary} {
		for i, l := range out[role] {
			b := labels.NewBuilder(l)
			b.Set("pod", names.pod(role))
			out[role][i] = b.Labels()
		}
	}
}

// candidates are the values a label may take on a version's series, best
// first. A label that identifies a workload takes the version's own names
// (a Service or job label only when the query's value names the target or
// its Service: "kubernetes-pods" is a scrape job, not a version); another
// label whose value names the workload takes that value turned into the
// version's; any other the values the matchers give, or none.
func (n roleNames) candidates(label string, role Role, ms []*labels.Matcher) []string {
	examples := examplesOf(ms)
	mention := slices.ContainsFunc(examples, n.mentionsWorkload)
	table, isRole := n.roleCandidates(label, role)
	switch {
	case isRole && (mention || !slices.Contains(serviceLabels, label)):
		return table
	case mention:
		var out []string
		for _, e := range examples {
			out = append(out, n.derivedCandidates(e, role)...)
		}
		return uniqueInOrder(out)
	}
	return append(examples, "")
}

// examplesOf are values the positive matchers name or match.
func examplesOf(ms []*labels.Matcher) []string {
	var out []string
	for _, m := range ms {
		switch m.Type {
		case labels.MatchEqual:
			out = append(out, m.Value)
		case labels.MatchRegexp:
			if e, ok := regexExample(m.Value); ok {
				out = append(out, e)
			}
		}
	}
	return uniqueInOrder(out)
}
