// This file judges each template and inline-query metric of a rehearsed
// Canary: rehearsed as written when rehearse can produce its series,
// replaced by a passing constant with a note when not.

package policy

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// stubTemplates judges every template and inline-query metric of the
// rehearsed copy. Rehearse writes the series such a query reads from the
// same traffic model as the builtin ones (see traffic.Synthesize); a
// metric whose series it cannot produce, or whose provider it does not
// simulate, is replaced by a constant query that passes the metric's
// thresholds. The stub only keeps such a metric from deciding the
// good-release run: the checks it alone could make are not rehearsable
// (see errorsRehearsable and latencyRehearsable), and a note says so.
func (s *subject) stubTemplates() {
	a := s.cd.GetAnalysis()
	if a == nil {
		return
	}
	served := servedFor(s.cd, s.provider)
	s.reads = map[string]traffic.Reads{}
	var synthesized []string
	for i := range a.Metrics {
		m := &a.Metrics[i]
		j := s.judge(*m, served)
		if j.note != "" {
			s.note(j.note)
		}
		if j.stub {
			s.stubbed = append(s.stubbed, m.Name)
			m.Query, m.TemplateRef = "vector("+formatValue(passingValue(*m))+")", nil
			continue
		}
		s.reads[m.Name] = j.reads
		if j.synthesized {
			synthesized = append(synthesized, m.Name)
		}
	}
	if len(synthesized) > 0 {
		s.note(fmt.Sprintf("%s %s series the %s provider does not export: rehearse writes them from the same traffic model as the builtin ones, so a bad or slow release moves them too",
			strings.Join(synthesized, ", "), readsVerb(len(synthesized)), s.provider))
	}
}

// judgement is what rehearse makes of one metric's query.
type judgement struct {
	stub        bool
	note        string
	reads       traffic.Reads
	synthesized bool // it reads series rehearse writes beyond the builtin ones
}

// judge renders a metric's query as Flagger does and plans its series. A
// query that cannot run is kept: it fails in the rehearsal as it fails in
// Flagger. A builtin metric, or a template missing from the manifests
// (the loader's to report), gets no judgement.
func (s *subject) judge(m v1beta1.CanaryMetric, served servedSeries) judgement {
	text, interval := m.Query, m.GetInterval()
	what := fmt.Sprintf("metric %q", m.Name)
	if m.TemplateRef != nil {
		tpl := s.template(m)
		if tpl == nil {
			return judgement{}
		}
		what = fmt.Sprintf("metric %q (MetricTemplate %s/%s)", m.Name, tpl.Namespace, tpl.Name)
		if !traffic.IsPrometheus(tpl) {
			return s.judgeOther(m, what, tpl)
		}
		text, interval = tpl.Spec.Query, m.Interval
	}
	if text == "" {
		return judgement{}
	}
	model := metrics.NewModel(s.cd, interval, m.TemplateVariables)
	q, err := metrics.Render(text, model)
	if err != nil {
		return judgement{note: fmt.Sprintf("%s cannot be rendered (%v): every check of it fails, as it would in Flagger", what, err)}
	}
	if _, err := traffic.Selectors(q); err != nil {
		return judgement{note: fmt.Sprintf("%s is not valid PromQL once rendered (%v): every check of it fails, as it would in Flagger", what, err)}
	}
	return s.plan(m, what, q, model, served)
}

// judgeOther judges a template of another provider than Prometheus by
// its stand-in (judgeProvider). A check it answers could catch a bad
// release or, when it is about latency, a slow one.
func (s *subject) judgeOther(m v1beta1.CanaryMetric, what string, tpl *v1beta1.MetricTemplate) judgement {
	stub, why := judgeProvider(s.cd, m, tpl, passes(m))
	j := judgement{stub: stub}
	if why != "" {
		j.note = what + " " + why
	}
	latency := aboutLatency(m.Name + " " + tpl.Name + " " + tpl.Spec.Query)
	j.reads = traffic.Reads{Errors: !latency, Latency: latency}
	return j
}

// plan synthesizes one query's series and says what that means.
func (s *subject) plan(m v1beta1.CanaryMetric, what, q string, model v1beta1.MetricTemplateModel, served servedSeries) judgement {
	syn := traffic.Synthesize([]traffic.Query{{Metric: m.Name, PromQL: q}}, model, s.cd.Spec.TargetRef.Kind,
		traffic.Sources{Builtin: served})
	switch {
	case len(syn.Unmapped) > 0:
		return judgement{stub: true, note: syn.Unmapped[0].Message() + ". Meanwhile " + passes(m)}
	case len(syn.Misspelt) > 0:
		t := syn.Misspelt[0]
		return judgement{reads: traffic.ReadsOf(q), note: fmt.Sprintf("%s reads %s, which the %s series do not include: did you mean %s? As written it finds no data, so every check of it fails",
			what, t.Name, s.provider, t.Meant)}
	}
	return judgement{reads: traffic.ReadsOf(q), synthesized: len(syn.Plans) > 0}
}

// passes says what the stub answers, and what that leaves out.
func passes(m v1beta1.CanaryMetric) string {
	return fmt.Sprintf("it answers %s in every rehearsal, within its thresholds, so that it cannot decide the good-release run; a bad or slow release that only it could catch is not rehearsable",
		formatValue(passingValue(m)))
}

func readsVerb(n int) string {
	if n == 1 {
		return "reads"
	}
	return "read"
}

// servedSeries are the builtin series the synthetic Prometheus writes
// for a Canary's provider, both versions together.
type servedSeries = []labels.Labels

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
