package sim

import (
	"cmp"
	"fmt"

	"github.com/rehearse-dev/rehearse/engine/metrics"
	"github.com/rehearse-dev/rehearse/sim/metricapi"
)

// providerNotes names each template metric of a stand-in provider whose
// query the stand-in cannot answer from the traffic model: its checks found
// no data, and the report must say that this is the rehearsal's limit, not
// the policy's.
func (w *world) providerNotes() []string {
	a := w.cd.GetAnalysis()
	if a == nil || w.metricAPI == nil {
		return nil
	}
	var notes []string
	for _, m := range a.Metrics {
		if m.TemplateRef == nil {
			continue
		}
		ns := cmp.Or(m.TemplateRef.Namespace, w.cd.Namespace)
		tpl, err := w.template(ns, m.TemplateRef.Name)
		if err != nil || !metricapi.Serves(tpl.Spec.Provider.Type) {
			continue
		}
		q, err := metrics.Render(tpl.Spec.Query, metrics.NewModel(w.cd, m.Interval, m.TemplateVariables))
		if err != nil {
			continue // the checks report the render error
		}
		if err := metricapi.Check(tpl.Spec.Provider.Type, q, metricapi.NamesOf(w.cd)); metricapi.IsUnmapped(err) {
			notes = append(notes, fmt.Sprintf("%s for metric `%s` (MetricTemplate %s): its checks find no data and are not rehearsable; rewrite the query or leave the metric out",
				metricapi.NoteFor(tpl.Spec.Provider.Type, q, err), m.Name, m.TemplateRef.Name))
		}
	}
	return notes
}
