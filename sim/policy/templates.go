package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/traffic"
)

var promql = parser.NewParser(parser.Options{})

// maxTypo is how far a series name may be from a served one to be taken
// for a typo of it rather than another series.
const maxTypo = 2

// stubTemplates replaces, in the rehearsed copy, each template metric that
// reads series the synthetic Prometheus does not have by a constant query
// that passes the metric's thresholds, and notes every template metric
// rehearse cannot rehearse faithfully.
func (s *subject) stubTemplates() {
	a := s.cd.GetAnalysis()
	if a == nil {
		return
	}
	served := servedFor(s.cd, s.provider)
	for i := range a.Metrics {
		m := &a.Metrics[i]
		tpl := s.template(*m)
		if tpl == nil {
			continue
		}
		stub, why := judgeTemplate(s.cd, *m, tpl, served, s.provider)
		if why != "" {
			s.note(fmt.Sprintf("metric %q (MetricTemplate %s/%s) %s", m.Name, tpl.Namespace, tpl.Name, why))
		}
		if stub {
			s.stubbed = append(s.stubbed, m.Name)
			m.Query, m.TemplateRef = "vector("+formatValue(passingValue(*m))+")", nil
		}
	}
}

// template is the MetricTemplate a metric names, or nil (a missing one is
// the loader's to report).
func (s *subject) template(m v1beta1.CanaryMetric) *v1beta1.MetricTemplate {
	if m.TemplateRef == nil {
		return nil
	}
	tpl, err := s.set.MetricTemplate(cmp.Or(m.TemplateRef.Namespace, s.cd.Namespace), m.TemplateRef.Name)
	if err != nil {
		return nil
	}
	return tpl
}

// judgeTemplate says whether a template metric must be stubbed, and why
// it is not rehearsed as written ("" when it is, faithfully). A query that
// cannot run is kept: it fails in the rehearsal as it fails in Flagger.
func judgeTemplate(cd *v1beta1.Canary, m v1beta1.CanaryMetric, tpl *v1beta1.MetricTemplate, served servedSeries, provider string) (bool, string) {
	passes := fmt.Sprintf("it answers %s in every rehearsal, within its thresholds, so this check is not rehearsed", formatValue(passingValue(m)))
	if !metrics.IsPrometheus(tpl.Spec.Provider.Type) {
		return judgeProvider(cd, m, tpl, passes)
	}
	q, err := metrics.Render(tpl.Spec.Query, metrics.NewModel(cd, m.Interval, m.TemplateVariables))
	if err != nil {
		return false, fmt.Sprintf("cannot be rendered (%v): every check of it fails, as it would in Flagger", err)
	}
	selectors, err := vectorSelectors(q)
	if err != nil {
		return false, fmt.Sprintf("is not valid PromQL once rendered (%v): every check of it fails, as it would in Flagger", err)
	}
	if name, meant := served.misspelt(selectors); name != "" {
		return false, fmt.Sprintf("reads %s, which the %s series do not include: did you mean %s? As written it finds no data, so every check of it fails", name, provider, meant)
	}
	if what := served.unserved(selectors); what != "" {
		return true, fmt.Sprintf("%s, which rehearse cannot synthesize (it serves only the %s request series): %s", what, provider, passes)
	}
	return false, ""
}

// servedSeries are the series the synthetic Prometheus writes for a
// Canary's provider, both versions together.
type servedSeries []labels.Labels

func servedFor(cd *v1beta1.Canary, provider string) servedSeries {
	model := metrics.NewModel(cd, v1beta1.DefaultMetricInterval, nil)
	var out servedSeries
	for _, role := range []traffic.Role{traffic.Primary, traffic.Canary} {
		if g, err := traffic.NewGenerator(provider, model, role, cd.Spec.TargetRef.Kind); err == nil {
			out = append(out, g.Series()...)
		}
	}
	return out
}

func (s servedSeries) names() []string {
	names := make([]string, len(s))
	for i, l := range s {
		names[i] = l.Get(labels.MetricName)
	}
	return uniqueSorted(names)
}

// misspelt finds a selected name that is not served but is within maxTypo
// edits of one that is, and that one.
func (s servedSeries) misspelt(selectors []*parser.VectorSelector) (name, meant string) {
	names := s.names()
	for _, vs := range selectors {
		n := selectorName(vs)
		if slices.Contains(names, n) {
			continue
		}
		for _, c := range names {
			if editDistance(n, c) <= maxTypo {
				return n, c
			}
		}
	}
	return "", ""
}

// unserved describes the first selector that matches no served series:
// its name, or the matcher no series satisfies. "" when all match.
func (s servedSeries) unserved(selectors []*parser.VectorSelector) string {
	for _, vs := range selectors {
		if s.matchesAny(vs.LabelMatchers) {
			continue
		}
		if !slices.Contains(s.names(), selectorName(vs)) {
			return "reads " + selectorName(vs)
		}
		return fmt.Sprintf("selects %s{%s}", selectorName(vs), s.failingMatcher(vs.LabelMatchers))
	}
	return ""
}

func (s servedSeries) matchesAny(ms []*labels.Matcher) bool {
	return slices.ContainsFunc(s, func(l labels.Labels) bool { return matchesAll(l, ms) })
}

func matchesAll(l labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(l.Get(m.Name)) {
			return false
		}
	}
	return true
}

// failingMatcher is the first matcher that no served series of the
// selected name satisfies.
func (s servedSeries) failingMatcher(ms []*labels.Matcher) string {
	var byName []*labels.Matcher
	for _, m := range ms {
		if m.Name == labels.MetricName {
			byName = append(byName, m)
		}
	}
	for _, m := range ms {
		if m.Name != labels.MetricName && !s.matchesAny(append(slices.Clip(byName), m)) {
			return m.String()
		}
	}
	return "..." // only the combination matches nothing
}

// vectorSelectors lists the selectors of a query, in order.
func vectorSelectors(query string) ([]*parser.VectorSelector, error) {
	expr, err := promql.ParseExpr(query)
	if err != nil {
		return nil, err
	}
	var out []*parser.VectorSelector
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			out = append(out, vs)
		}
		return nil
	})
	return out, nil
}

// selectorName is the metric name a selector fixes, or the selector as
// written when it fixes none.
func selectorName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return vs.String()
}

// editDistance counts the insertions, deletions and substitutions that
// turn a into b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// passingValue is a value a metric's thresholds accept: the bounds are
// inclusive, and the deprecated threshold is a maximum for a query.
func passingValue(m v1beta1.CanaryMetric) float64 {
	r := m.ThresholdRange
	switch {
	case r == nil:
		return m.Threshold
	case r.Min != nil:
		return *r.Min
	case r.Max != nil:
		return *r.Max
	}
	return 0
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
