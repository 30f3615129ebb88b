// This file writes the planned series and latency gauges, from the same
// traffic the builtin series carry.

package traffic

import (
	"fmt"
	"math"
	"slices"

	"github.com/prometheus/prometheus/model/labels"
)

// gauge is a series holding a latency statistic of the requests served
// since the previous Emit.
type gauge struct {
	labels   labels.Labels
	quantile float64 // 0 is the mean
	seconds  bool
	reach    int64 // ms, as a series' reach
}

// AddPlans adds the series of the plans for the generator's version, so
// that the same requests, errors and latency that fill the builtin series
// fill them too. A series the generator already writes (the builtin one a
// plan names again) is not added twice. Call it before the first Emit.
func (g *Generator) AddPlans(plans []Plan) {
	if !slices.ContainsFunc(plans, func(p Plan) bool { return p.Role == g.role }) {
		return // most Canaries read only builtin series: spare keying them all
	}
	have := map[string]bool{}
	for _, l := range g.Series() {
		have[key(l)] = true
	}
	for _, p := range plans {
		if p.Role != g.role {
			continue
		}
		for _, s := range planSeries(p) {
			if k := key(s.labels); !have[k] {
				have[k] = true
				g.series = append(g.series, s)
			}
		}
		if p.Kind == Gauge {
			l := withName(p.Labels, p.Name)
			if k := key(l); !have[k] {
				have[k] = true
				g.gauges = append(g.gauges, gauge{labels: l, quantile: p.Quantile, seconds: p.Seconds})
			}
		}
	}
}

// key tells label sets apart as String does, without quoting and joining:
// Bytes is their encoding, one for each set.
func key(l labels.Labels) string {
	return string(l.Bytes(nil))
}

// planSeries lays out a counter's or a histogram's cumulative series, with
// the same bucket layout and weights as the builtin ones.
func planSeries(p Plan) []series {
	f := family{status: p.Status, ok: p.OK, failed: p.Failed}
	sel := pairsOf(p.Labels)
	b := labels.NewScratchBuilder(len(sel)/2 + 3)
	switch p.Kind {
	case Counter:
		if p.Status == "" {
			return []series{f.point(&b, p.Name, sel, "", uint8(p.Counts), wAll)}
		}
		return []series{f.point(&b, p.Name, sel, p.OK, srcOK, wAll), f.point(&b, p.Name, sel, p.Failed, srcFailed, wAll)}
	case Histogram:
		h := histogram{name: p.Name, seconds: p.Seconds}
		if p.Status == "" {
			return f.histSeries(&b, h, sel, "", srcAll)
		}
		return append(f.histSeries(&b, h, sel, p.OK, srcOK), f.histSeries(&b, h, sel, p.Failed, srcFailed)...)
	}
	return nil
}

func pairsOf(l labels.Labels) []string {
	out := make([]string, 0, 2*l.Len())
	l.Range(func(x labels.Label) { out = append(out, x.Name, x.Value) })
	return out
}

func withName(l labels.Labels, name string) labels.Labels {
	b := labels.NewBuilder(l)
	b.Set(labels.MetricName, name)
	return b.Labels()
}

// emitGauges appends each gauge's statistic of the interval's latency. A
// version that served nothing has no latency to report: its gauges get no
// sample, as a scrape of an idle or absent pod gives none.
func (g *Generator) emitGauges(app Appender, tMillis, untilMillis int64, iv Interval) error {
	if iv.Requests == 0 {
		return nil
	}
	for _, s := range g.gauges {
		if unread(tMillis, untilMillis, s.reach) {
			continue
		}
		v := latencyStat(iv.Latency, s.quantile)
		if !s.seconds {
			v *= 1000
		}
		if err := app.Append(s.labels, tMillis, v); err != nil {
			return fmt.Errorf("appending %s at %d: %w", s.labels.Get(labels.MetricName), tMillis, err)
		}
	}
	return nil
}

// latencyStat is a quantile (0 < q < 1) of the log-normal latency, or its
// mean for q 0, in seconds. The P99 and P50 come back as given.
func latencyStat(l Latency, q float64) float64 {
	p50, p99 := l.P50.Seconds(), l.P99.Seconds()
	switch {
	case p50 <= 0:
		return 0
	case q == 0:
		return lognormalMean(p50, p99)
	case q == 0.99:
		return p99
	}
	sigma := math.Log(p99/p50) / z99
	return p50 * math.Exp(sigma*math.Sqrt2*math.Erfinv(2*q-1))
}

// Keep drops the series and gauges read does not select: a sample no query
// reads costs its append and its chunk, and changes no answer. Call it
// after AddPlans and before the first Emit.
func (g *Generator) Keep(read func(labels.Labels) bool) {
	g.series = slices.DeleteFunc(g.series, func(s series) bool { return !read(s.labels) })
	g.gauges = slices.DeleteFunc(g.gauges, func(s gauge) bool { return !read(s.labels) })
}
