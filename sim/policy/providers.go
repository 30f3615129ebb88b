// This file judges a metric template of a provider other than Prometheus:
// rehearsed through its stand-in API when rehearse can map its query,
// stubbed with a note when not.

package policy

import (
	"fmt"
	"strings"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/virtual/metricapi"
)

// judgeProvider is judgeTemplate for a template of another provider than
// Prometheus: its stand-in answers it from the traffic model when it can
// map the query; a query it cannot map is stubbed, and said so; a query the
// provider itself would refuse is kept, to fail as it would in Flagger.
func judgeProvider(cd *v1beta1.Canary, m v1beta1.CanaryMetric, tpl *v1beta1.MetricTemplate, passes string) (bool, string) {
	t := tpl.Spec.Provider.Type
	if !metricapi.Serves(t) {
		// The manifest loader refuses these; kept for a Set built by hand.
		return true, fmt.Sprintf("uses provider %s: %s", t, metrics.Refusal(t))
	}
	q, err := metrics.Render(tpl.Spec.Query, metrics.NewModel(cd, m.Interval, m.TemplateVariables))
	if err != nil {
		return false, fmt.Sprintf("cannot be rendered (%v): every check of it fails, as it would in Flagger", err)
	}
	err = metricapi.Check(t, q, metricapi.NamesOf(cd))
	switch {
	case metricapi.IsUnmapped(err):
		return true, fmt.Sprintf("reads %s data rehearse cannot produce from its traffic model (`%s`: %v): %s",
			t, strings.Join(strings.Fields(q), " "), err, passes)
	case err != nil:
		return false, fmt.Sprintf("is not a query %s accepts (%v): every check of it fails, as it would in Flagger", t, err)
	}
	return false, ""
}
