// This file synthesizes the series a Canary's own queries read, from its
// templates, beside the provider's builtin ones.

package traffic

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
)

// maxTypo is how far a series name may be from a builtin one to be taken
// for a typo of it rather than another series.
const maxTypo = 2

// Query is one metric of a Canary and the PromQL it runs, rendered.
type Query struct {
	Metric string // the metric's name in the Canary
	PromQL string
}

// TemplateLookup finds a MetricTemplate by namespace and name.
type TemplateLookup func(namespace, name string) (*v1beta1.MetricTemplate, error)

// CanaryQueries renders the Canary's own PromQL as Flagger renders it:
// every metric with a MetricTemplate of the Prometheus provider (or of
// none), and every deprecated inline query. Builtin metrics are left out
// (the Generator writes their series), and so are templates of other
// providers, and queries that do not render: those fail in the rehearsal
// as they fail in Flagger.
func CanaryQueries(cd *v1beta1.Canary, lookup TemplateLookup) []Query {
	a := cd.GetAnalysis()
	if a == nil {
		return nil
	}
	var out []Query
	for _, m := range a.Metrics {
		text, interval := m.Query, m.GetInterval()
		if m.TemplateRef != nil {
			tpl, err := lookup(cmp.Or(m.TemplateRef.Namespace, cd.Namespace), m.TemplateRef.Name)
			if err != nil || tpl == nil || !IsPrometheus(tpl) {
				continue
			}
			// Flagger renders a template with the metric's interval as written.
			text, interval = tpl.Spec.Query, m.Interval
		}
		if text == "" {
			continue
		}
		q, err := metrics.Render(text, metrics.NewModel(cd, interval, m.TemplateVariables))
		if err == nil {
			out = append(out, Query{Metric: m.Name, PromQL: q})
		}
	}
	return out
}

// IsPrometheus says whether a template queries Prometheus, as one naming
// no provider type does in Flagger.
func IsPrometheus(tpl *v1beta1.MetricTemplate) bool {
	t := tpl.Spec.Provider.Type
	return t == "" || t == "prometheus"
}

// Unmapped is a metric whose series rehearse cannot produce.
type Unmapped struct {
	Metric string
	*Unmappable
}

// Message says so in the words every report uses, once per metric.
func (u Unmapped) Message() string {
	return fmt.Sprintf("cannot produce series `%s` for metric `%s` (%s); give it in the scenario (`series:`) or leave it out",
		u.Selector, u.Metric, u.Why)
}

// Misspelt is a selector whose name is a typo away from a builtin series.
type Misspelt struct {
	Metric, Name, Meant string
}

// Synthesis is what a Canary's own queries need beyond the builtin
// series: the series to write, the metrics rehearse cannot produce series
// for, and the names it takes for typos (left unwritten, so that the check
// finds no data, as it would in Flagger).
type Synthesis struct {
	Plans    []Plan
	Unmapped []Unmapped
	Misspelt []Misspelt
}

// Sources are what the synthesis takes as given: the series the builtin
// generators write, and the names of series a scenario gives itself.
type Sources struct {
	Builtin []labels.Labels
	Given   func(name string) bool
}

// Synthesize plans the series the queries read, for the workload m names
// (see metrics.NewModel). A selector the builtin series or the scenario's
// own series already answer is left alone. The selectors of all the
// mappable queries are planned together, so that one series carries every
// label the queries ask of it, as a real series does.
func Synthesize(queries []Query, m v1beta1.MetricTemplateModel, targetKind string, src Sources) Synthesis {
	var out Synthesis
	names := namesOf(m, targetKind)
	var all []Selector
	var each [][]Plan
	for _, q := range queries {
		sels, typos := src.unanswered(q)
		out.Misspelt = append(out.Misspelt, typos...)
		plans, err := planSelectors(sels, names)
		if u, ok := err.(*Unmappable); ok {
			out.Unmapped = append(out.Unmapped, Unmapped{Metric: q.Metric, Unmappable: u})
			continue
		}
		all = append(all, sels...)
		each = append(each, plans)
	}
	plans, err := planSelectors(all, names)
	if err != nil {
		plans = slices.Concat(each...)
	}
	out.Plans = plans
	return out
}

// unanswered lists the selectors of a query that neither the builtin nor
// the given series answer, and those that look like typos.
func (src Sources) unanswered(q Query) ([]Selector, []Misspelt) {
	sels, err := Selectors(q.PromQL)
	if err != nil {
		return nil, nil // invalid PromQL fails in the rehearsal as in Flagger
	}
	builtin := builtinNames(src.Builtin)
	var out []Selector
	var typos []Misspelt
	for _, s := range sels {
		switch {
		case slices.ContainsFunc(src.Builtin, func(l labels.Labels) bool { return selectsSeries(s, l) }):
		case src.Given != nil && s.Name != "" && src.Given(s.Name):
		case s.Name != "" && !slices.Contains(builtin, s.Name) && typoOf(s.Name, builtin) != "":
			typos = append(typos, Misspelt{Metric: q.Metric, Name: s.Name, Meant: typoOf(s.Name, builtin)})
		default:
			out = append(out, s)
		}
	}
	return out, typos
}

func selectsSeries(s Selector, l labels.Labels) bool {
	for _, m := range s.LabelMatchers {
		if !m.Matches(l.Get(m.Name)) {
			return false
		}
	}
	return true
}

func builtinNames(series []labels.Labels) []string {
	var out []string
	for _, l := range series {
		out = append(out, l.Get(labels.MetricName))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// typoOf is the builtin name within maxTypo edits of name, or "".
func typoOf(name string, builtin []string) string {
	for _, b := range builtin {
		if editDistance(name, b) <= maxTypo {
			return b
		}
	}
	return ""
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

// Reads says what a query's series measure: Errors when a status filter or
// an error counter lets the share of errors move it, Latency when it reads
// a latency histogram or gauge. The policies use it to know which checks
// could catch a bad or a slow release.
type Reads struct{ Errors, Latency bool }

// ReadsOf classifies a rendered query's selectors; an invalid query reads
// nothing.
func ReadsOf(promql string) Reads {
	sels, err := Selectors(promql)
	if err != nil {
		return Reads{}
	}
	var r Reads
	hists := histogramBases(sels)
	for _, s := range sels {
		kind, name, why := classify(s, hists)
		if why != "" {
			continue
		}
		r.Latency = r.Latency || kind == Histogram || kind == Gauge
		r.Errors = r.Errors || kind == Counter && counts(name) != AllAnswers || splitsAnswers(s)
	}
	return r
}

// splitsAnswers: a matcher of the selector tells good answers from errors.
func splitsAnswers(s Selector) bool {
	for name, ms := range s.matchers() {
		if name == "le" || name == "quantile" || !isStatusLabel(name, ms) {
			continue
		}
		if _, splits, ok := pickAnswers(name, ms); ok && splits {
			return true
		}
	}
	return false
}
