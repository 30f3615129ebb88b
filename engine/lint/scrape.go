// This file is the scrape-interval rule: a metric interval too short to hold two scrapes leaves
// rate() without values, and the check fails even a good release.

package lint

import (
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
)

// DefaultScrapeInterval is the scrape interval of Flagger's bundled
// Prometheus, which lint assumes when the user states none.
const DefaultScrapeInterval = 5 * time.Second

// checkScrapeInterval: Prometheus ranges are open on the left, so a range
// holds two samples only when it spans two scrapes. A metric interval
// shorter than that gives rate() one sample or none: the check finds no
// values, and Flagger rolls back even a good release. A template or inline
// query that never uses {{ interval }} is left alone.
func checkScrapeInterval(t *target) {
	scrape := t.scrape
	if scrape <= 0 {
		scrape = DefaultScrapeInterval
	}
	for i, m := range t.a.Metrics {
		d, err := model.ParseDuration(m.GetInterval())
		if err != nil || time.Duration(d) >= 2*scrape || !usesInterval(t, m) {
			continue
		}
		field := fmt.Sprintf("metrics[%d]", i)
		if m.Interval != "" {
			field += ".interval"
		}
		t.report(RuleScrapeInterval, field,
			"metric %q reads a %s window, shorter than two scrapes of a Prometheus that scrapes every %v: the window holds fewer than two samples, so the check finds no values and Flagger rolls back even a good release; set interval: %v or longer (or scrape more often; tell lint with --scrape-interval)",
			m.Name, m.GetInterval(), scrape, 2*scrape)
	}
}

// usesInterval says whether a metric's query reads its interval: a
// builtin always does, a template or inline query when it says so.
func usesInterval(t *target, m v1beta1.CanaryMetric) bool {
	query := m.Query
	if m.TemplateRef != nil {
		ns := m.TemplateRef.Namespace
		if ns == "" {
			ns = t.cd.Namespace
		}
		tpl, err := t.set.MetricTemplate(ns, m.TemplateRef.Name)
		if err != nil {
			return false
		}
		query = tpl.Spec.Query
	}
	return query == "" || strings.Contains(query, "interval")
}
