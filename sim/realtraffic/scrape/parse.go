// This file turns the text exposition format into samples as a Prometheus
// server does: histograms and summaries into their series, the target's
// job and instance labels added, in an order no map decides.

package scrape

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
)

// Sample is one series' value in a scrape.
type Sample struct {
	Labels labels.Labels
	Value  float64
}

// Parse reads the text exposition format and returns its samples, each
// carrying the extra labels (a target's job and instance) too.
func Parse(r io.Reader, extra ...labels.Label) ([]Sample, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("reading the metrics exposition: %w", err)
	}
	list := make([]*dto.MetricFamily, 0, len(fams))
	for _, f := range fams {
		list = append(list, f)
	}
	return Samples(list, extra...), nil
}

// Samples flattens metric families into series, sorted by metric name so
// that the order of appends never depends on a map's.
func Samples(fams []*dto.MetricFamily, extra ...labels.Label) []Sample {
	fams = slices.Clone(fams)
	slices.SortFunc(fams, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	var out []Sample
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			out = append(out, metricSamples(f.GetName(), f.GetType(), m, extra)...)
		}
	}
	return out
}

func metricSamples(name string, typ dto.MetricType, m *dto.Metric, extra []labels.Label) []Sample {
	one := func(suffix string, v float64, more ...labels.Label) Sample {
		return Sample{Labels: seriesLabels(name+suffix, m.GetLabel(), extra, more), Value: v}
	}
	switch typ {
	case dto.MetricType_COUNTER:
		return []Sample{one("", m.GetCounter().GetValue())}
	case dto.MetricType_GAUGE:
		return []Sample{one("", m.GetGauge().GetValue())}
	case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
		return histogramSamples(m.GetHistogram(), one)
	case dto.MetricType_SUMMARY:
		return summarySamples(m.GetSummary(), one)
	}
	return []Sample{one("", m.GetUntyped().GetValue())}
}

type sampleFunc func(suffix string, v float64, more ...labels.Label) Sample

// histogramSamples are a classic histogram's series; the +Inf bucket is
// the count when the exposition leaves it out.
func histogramSamples(h *dto.Histogram, one sampleFunc) []Sample {
	out := make([]Sample, 0, len(h.GetBucket())+3)
	inf := false
	for _, b := range h.GetBucket() {
		inf = inf || math.IsInf(b.GetUpperBound(), 1)
		out = append(out, one("_bucket", cumulative(b), labels.Label{Name: "le", Value: formatBound(b.GetUpperBound())}))
	}
	count := float64(h.GetSampleCount())
	if h.SampleCountFloat != nil {
		count = h.GetSampleCountFloat()
	}
	if !inf {
		out = append(out, one("_bucket", count, labels.Label{Name: "le", Value: "+Inf"}))
	}
	return append(out, one("_sum", h.GetSampleSum()), one("_count", count))
}

func cumulative(b *dto.Bucket) float64 {
	if b.CumulativeCountFloat != nil {
		return b.GetCumulativeCountFloat()
	}
	return float64(b.GetCumulativeCount())
}

func summarySamples(s *dto.Summary, one sampleFunc) []Sample {
	out := make([]Sample, 0, len(s.GetQuantile())+2)
	for _, q := range s.GetQuantile() {
		out = append(out, one("", q.GetValue(), labels.Label{Name: "quantile", Value: formatBound(q.GetQuantile())}))
	}
	return append(out, one("_sum", s.GetSampleSum()), one("_count", float64(s.GetSampleCount())))
}

// formatBound writes a bucket bound as the shortest decimal ("0.0063",
// "12500", "+Inf"), the form the harness's modelled series use too.
func formatBound(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func seriesLabels(name string, pairs []*dto.LabelPair, extra, more []labels.Label) labels.Labels {
	ls := make([]labels.Label, 0, len(pairs)+len(extra)+len(more)+1)
	ls = append(ls, labels.Label{Name: labels.MetricName, Value: name})
	for _, p := range pairs {
		ls = append(ls, labels.Label{Name: p.GetName(), Value: p.GetValue()})
	}
	ls = append(ls, more...)
	// Target labels win over the exposition's, as with honor_labels: false:
	// an exposed label of the same name is kept as exported_<name>.
	for _, e := range extra {
		for i := range ls {
			if ls[i].Name == e.Name {
				ls[i].Name = "exported_" + e.Name
			}
		}
		ls = append(ls, e)
	}
	return labels.New(ls...)
}
