// This file plans a query's series: which metrics and selectors it reads,
// and whether rehearse can produce data for it.

package traffic

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Plan is one set of series a query reads, for one version: what kind of
// series, under which name and labels, and how the traffic model's
// requests, errors and latency fill them. A Generator writes it (AddPlans).
type Plan struct {
	Role Role
	Kind SeriesKind
	// Name is a counter's or a gauge's name, a histogram's base name
	// (without _bucket, _sum or _count).
	Name string
	// Labels are the pairs that select the version and satisfy the query's
	// other matchers; never the name, the answer label or le.
	Labels labels.Labels
	// Status is the label that says how a request was answered, with its
	// value for a good answer and for an error: each such series is
	// written twice. "" when the series carry no answer.
	Status, OK, Failed string
	// Counts is what a counter with no answer label counts.
	Counts Answers
	// Seconds: a histogram's boundaries, or a gauge's value, are in
	// seconds; otherwise in milliseconds.
	Seconds bool
	// Quantile is the latency quantile a gauge holds; 0 is the mean.
	Quantile float64
}

// Unmappable says why rehearse cannot produce the series a selector reads.
type Unmappable struct {
	Selector string // the selector, as rendered in the query
	Why      string
}

func (u *Unmappable) Error() string { return "cannot produce series " + u.Selector + ": " + u.Why }

// maxVariants bounds the label combinations one version's series take.
const maxVariants = 16

// defaultQuantile is what a latency gauge that names no statistic holds.
const defaultQuantile = 0.99

var promqlParser = parser.NewParser(parser.Options{})

// Selector is one vector selector of a query, and whether it is counted
// (read under rate, irate or increase).
type Selector struct {
	*parser.VectorSelector
	Name    string // the metric name it fixes; "" when it fixes none
	counted bool
}

// Selectors lists the vector selectors of a query, in order.
func Selectors(query string) ([]Selector, error) {
	expr, err := promqlParser.ParseExpr(query)
	if err != nil {
		return nil, fmt.Errorf("the query is not valid PromQL: %w", err)
	}
	var out []Selector
	parser.Inspect(expr, func(n parser.Node, path []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			out = append(out, Selector{VectorSelector: vs, Name: SelectorName(vs), counted: underCounterFunc(path)})
		}
		return nil
	})
	return out, nil
}

// SelectorName is the metric name a selector fixes, by name or by an
// equality matcher on __name__; "" when it fixes none.
func SelectorName(vs *parser.VectorSelector) string {
	if vs.Name != "" {
		return vs.Name
	}
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			return m.Value
		}
	}
	return ""
}

func underCounterFunc(path []parser.Node) bool {
	return slices.ContainsFunc(path, func(n parser.Node) bool {
		c, ok := n.(*parser.Call)
		return ok && (c.Func.Name == "rate" || c.Func.Name == "irate" || c.Func.Name == "increase")
	})
}

// matchers are a selector's matchers other than the name's, by label.
func (s Selector) matchers() map[string][]*labels.Matcher {
	out := map[string][]*labels.Matcher{}
	for _, m := range s.LabelMatchers {
		if m.Name != labels.MetricName {
			out[m.Name] = append(out[m.Name], m)
		}
	}
	return out
}

func planSelectors(sels []Selector, names roleNames) ([]Plan, error) {
	groups, err := groupSelectors(sels)
	if err != nil {
		return nil, err
	}
	var out []Plan
	for _, g := range groups {
		plans, err := g.plan(names)
		if err != nil {
			return nil, err
		}
		out = append(out, plans...)
	}
	return out, nil
}

// group is the selectors that read one set of series: one counter, one
// histogram (its _bucket, _sum and _count) or one gauge.
type group struct {
	kind     SeriesKind
	name     string
	quantile float64
	sels     []Selector
}

func groupSelectors(sels []Selector) ([]*group, error) {
	hists := histogramBases(sels)
	var out []*group
	for _, s := range sels {
		kind, name, why := classify(s, hists)
		if why != "" {
			return nil, &Unmappable{Selector: s.String(), Why: why}
		}
		q := gaugeQuantile(kind, name, s)
		i := slices.IndexFunc(out, func(g *group) bool { return g.kind == kind && g.name == name && g.quantile == q })
		if i < 0 {
			out = append(out, &group{kind: kind, name: name, quantile: q})
			i = len(out) - 1
		}
		out[i].sels = append(out[i].sels, s)
	}
	return out, nil
}

// histogramBases are the base names the query reads buckets or sums of,
// so that their _count is read as the histogram's.
func histogramBases(sels []Selector) map[string]bool {
	out := map[string]bool{}
	for _, s := range sels {
		for _, suffix := range []string{"_bucket", "_sum"} {
			if base, ok := strings.CutSuffix(s.Name, suffix); ok {
				out[base] = true
			}
		}
	}
	return out
}

// classify says what kind of series a selector reads, under which name,
// or why rehearse cannot write it.
func classify(s Selector, hists map[string]bool) (SeriesKind, string, string) {
	name := s.Name
	if name == "" {
		return 0, "", "it names no metric, so rehearse cannot tell what it measures"
	}
	if mentions(name, resourceWords) {
		return 0, "", "it measures resource use, and rehearse models only requests, errors and latency"
	}
	if base, ok := strings.CutSuffix(name, "_bucket"); ok {
		if !isLatency(base) {
			return 0, "", "a histogram of something other than latency, which rehearse does not model"
		}
		return Histogram, base, ""
	}
	if base, ok := strings.CutSuffix(name, "_sum"); ok {
		if !isLatency(base) {
			return 0, "", "a sum of something other than latency, which rehearse does not model"
		}
		return Histogram, base, ""
	}
	if base, ok := strings.CutSuffix(name, "_count"); ok && (hists[base] || isLatency(base)) {
		return Histogram, base, ""
	}
	switch {
	case strings.HasSuffix(name, "_total"), strings.HasSuffix(name, "_count"), s.counted:
		return Counter, name, ""
	case isLatency(name):
		return Gauge, name, ""
	}
	return 0, "", "a gauge that is not a latency, which rehearse cannot derive from requests, errors and latency"
}

// gaugeQuantile is the statistic a latency gauge holds: its quantile
// label's, else the one its name states, else the P99.
func gaugeQuantile(kind SeriesKind, name string, s Selector) float64 {
	if kind != Gauge {
		return 0
	}
	for _, m := range s.matchers()["quantile"] {
		if q, err := strconv.ParseFloat(m.Value, 64); err == nil && m.Type == labels.MatchEqual && q > 0 && q < 1 {
			return q
		}
	}
	if q, ok := quantileIn(name); ok {
		return q
	}
	return defaultQuantile
}

// plan lays out the group's series for each version its selectors read.
func (g *group) plan(names roleNames) ([]Plan, error) {
	base := Plan{Kind: g.kind, Name: g.name, Counts: AllAnswers, Seconds: inSeconds(g.name), Quantile: g.quantile}
	if g.kind == Counter {
		base.Counts = counts(g.name)
	}
	if err := g.answers(&base); err != nil {
		return nil, err
	}
	if err := g.checkBuckets(base.Seconds); err != nil {
		return nil, err
	}
	variants, err := g.variants(names, base.Status)
	if err != nil {
		return nil, err
	}
	var out []Plan
	for _, role := range []Role{Primary, Canary} {
		for _, l := range variants[role] {
			p := base
			p.Role, p.Labels = role, l
			out = append(out, p)
		}
	}
	return out, nil
}

// answers finds the group's answer label and its two values.
func (g *group) answers(p *Plan) error {
	if g.kind == Gauge {
		return nil
	}
	label, ms := g.statusMatchers()
	if label == "" {
		return nil
	}
	pair, _, ok := pickAnswers(label, ms)
	if !ok {
		return &Unmappable{Selector: g.sels[0].String(), Why: fmt.Sprintf(
			"its matchers on %s select answers the traffic model never gives (it answers with good answers and server errors only)", label)}
	}
	p.Status, p.OK, p.Failed, p.Counts = label, pair.ok, pair.failed, AllAnswers
	return nil
}

// statusMatchers finds the first label, by name, that carries answers,
// and every matcher on it.
func (g *group) statusMatchers() (string, []*labels.Matcher) {
	byLabel := g.allMatchers()
	for _, name := range sortedLabelNames(byLabel) {
		if name != "le" && name != "quantile" && isStatusLabel(name, byLabel[name]) {
			return name, byLabel[name]
		}
	}
	return "", nil
}

func (g *group) allMatchers() map[string][]*labels.Matcher {
	out := map[string][]*labels.Matcher{}
	for _, s := range g.sels {
		for name, ms := range s.matchers() {
			out[name] = append(out[name], ms...)
		}
	}
	return out
}

func sortedLabelNames(m map[string][]*labels.Matcher) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkBuckets: every le matcher must accept a bucket the histograms have.
func (g *group) checkBuckets(seconds bool) error {
	for _, s := range g.sels {
		ms := s.matchers()["le"]
		if len(ms) == 0 {
			continue
		}
		if g.kind != Histogram || !slices.ContainsFunc(leValues(seconds), func(v string) bool { return valueMatches(v, ms) }) {
			return &Unmappable{Selector: s.String(), Why: "it selects a bucket rehearse's histograms do not have" + nearBuckets(ms, seconds)}
		}
	}
	return nil
}

// nearBuckets names the boundaries around the one an le matcher asks for.
func nearBuckets(ms []*labels.Matcher, seconds bool) string {
	want, err := strconv.ParseFloat(ms[0].Value, 64)
	if err != nil {
		return ""
	}
	les := leValues(seconds)
	i := sort.Search(len(les)-1, func(i int) bool { v, _ := strconv.ParseFloat(les[i], 64); return v >= want })
	switch {
	case i == 0:
		return fmt.Sprintf(" (the lowest is le=%q)", les[0])
	case i == len(les)-1:
		return fmt.Sprintf(" (the highest finite one is le=%q)", les[i-1])
	}
	return fmt.Sprintf(" (the nearest are le=%q and le=%q)", les[i-1], les[i])
}

// leValues are the le labels of the histograms, +Inf last.
func leValues(seconds bool) []string {
	les := leLabels(seconds)
	return append(les[:len(les):len(les)], "+Inf")
}

// valueMatches says whether every matcher accepts the value.
func valueMatches(v string, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(v) {
			return false
		}
	}
	return true
}
