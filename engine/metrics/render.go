// This file renders a query template as Flagger does: the model offered as functions, a missing
// variable an error, and the render budget applied.

package metrics

import (
	"fmt"
	"text/template"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/metrics/budget"
)

// Render fills in a query template. Like Flagger, the model is offered as
// functions ({{ namespace }}, {{ target }}, {{ variables.name }}...), not as
// the template's data, and a missing key is an error rather than an empty
// string, so a typo in a variable name fails the check instead of silently
// querying the wrong series.
func Render(query string, m v1beta1.MetricTemplateModel) (string, error) {
	if len(query) > budget.MaxQueryBytes {
		return "", fmt.Errorf("query template: %w", &budget.Exceeded{Reason: fmt.Sprintf("it is %d bytes, over the render budget of %d bytes (64 KiB): shorten it", len(query), budget.MaxQueryBytes)})
	}
	t, err := template.New("query").Option("missingkey=error").Funcs(budget.Funcs()).Funcs(templateFuncs(m)).Parse(query)
	if err != nil {
		return "", fmt.Errorf("query template does not parse: %w", err)
	}
	budget.Instrument(t)
	var b budget.Writer
	if err := t.Execute(&b, nil); err != nil {
		return "", renderError(err)
	}
	return b.String(), nil
}

// renderError words a failed render: a budget names itself; anything else
// is most often a variable the metric does not set.
func renderError(err error) error {
	if budget.IsExceeded(err) {
		return fmt.Errorf("query template cannot be rendered: %w", err)
	}
	return fmt.Errorf("query template cannot be rendered (check the variable names against templateVariables): %w", err)
}

// templateFuncs names the same functions Flagger's model offers.
func templateFuncs(m v1beta1.MetricTemplateModel) template.FuncMap {
	return template.FuncMap{
		"name":      func() string { return m.Name },
		"namespace": func() string { return m.Namespace },
		"target":    func() string { return m.Target },
		"service":   func() string { return m.Service },
		"ingress":   func() string { return m.Ingress },
		"route":     func() string { return m.Route },
		"interval":  func() string { return m.Interval },
		"variables": func() map[string]string { return m.Variables },
	}
}
