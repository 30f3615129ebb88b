// This file writes backtest.html: the verdict, the facts, the charts inline
// and the engine's timeline.

package backtestreport

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"sync"

	"github.com/rehearse-dev/rehearse/reports"
	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// WriteHTML writes the backtest as one self-contained page:
// inline SVG charts, inline styles, nothing loaded from elsewhere.
func WriteHTML(w io.Writer, b *Backtest) error {
	if b == nil || b.Run == nil {
		return fmt.Errorf("write backtest page: no backtest given")
	}
	page, err := newBacktestPage(b)
	if err != nil {
		return fmt.Errorf("write backtest page for scenario %q: %w", b.Run.Scenario, err)
	}
	var buf bytes.Buffer
	if err := backtestPageTemplate().Execute(&buf, page); err != nil {
		return fmt.Errorf("write backtest page for scenario %q: %w", b.Run.Scenario, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write backtest page for scenario %q: %w", b.Run.Scenario, err)
	}
	return nil
}

type backtestPage struct {
	Scenario, Verdict, Class string
	Error                    string
	Facts                    [][2]string
	Charts                   []template.HTML
	Queries                  []string
	Weights                  template.HTML
	Ticks                    []backtestRow
	Warnings, Notes          []string
}

type backtestRow struct {
	Tick, Time, Phase, Weights, Failed, Metrics, Reason string
}

func newBacktestPage(b *Backtest) (backtestPage, error) {
	p := backtestPage{Scenario: b.Run.Scenario, Verdict: reports.CanaryName(b.Run) + " " + b.Verdict.Text + ".",
		Class: safeFileName(b.Verdict.Decision), Error: b.Run.Error, Facts: backtestFacts(b),
		Warnings: b.Warnings, Notes: b.Run.Notes}
	for _, m := range b.Metrics {
		svg, err := renderChart(b, m)
		if err != nil {
			return p, err
		}
		p.Charts = append(p.Charts, svg)
		p.Queries = append(p.Queries, m.Query)
	}
	w, err := renderWeights(b)
	if err != nil {
		return p, err
	}
	p.Weights = w
	for _, t := range b.Run.Ticks {
		p.Ticks = append(p.Ticks, backtestRow{Tick: strconv.Itoa(t.Tick), Time: clockText(b.Release+t.T, 1), Phase: t.Phase,
			Weights: reports.WeightsCell(t), Failed: strconv.Itoa(t.FailedChecks), Metrics: metricsText(t), Reason: firstLine(t.Reason)})
	}
	return p, nil
}

func metricsText(t reports.Tick) string {
	if len(t.Metrics) == 0 {
		return "—"
	}
	var b bytes.Buffer
	for i, m := range t.Metrics {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.Name + " " + text.Optional(m.Value) + " " + text.Mark(m.Passed))
	}
	return b.String()
}

// renderChart is one metric's chart as SVG markup.
func renderChart(b *Backtest, m Metric) (template.HTML, error) {
	var buf bytes.Buffer
	if err := btChartTemplate().ExecuteTemplate(&buf, "chart", layoutBacktestChart(b, m)); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // rendered by html/template: escaped
}

func renderWeights(b *Backtest) (template.HTML, error) {
	var buf bytes.Buffer
	if err := btChartTemplate().ExecuteTemplate(&buf, "weights", layoutWeights(b)); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // rendered by html/template: escaped
}

// backtestPageTemplate is parsed on first use, not at package init: only
// a backtest writes the page, and every process start paid for it (issue 13).
var backtestPageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("backtest").Parse(backtestPageText))
})

const backtestPageText = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rehearse backtest: {{.Scenario}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 0 auto; padding: 16px 24px 48px; max-width: 980px; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.2rem; margin: 1.6em 0 0.4em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.verdict { font-size: 1.1rem; font-weight: 600; padding: 10px 14px; border-radius: 6px; background: #f5f5f7; }
.verdict.rolled-back { background: #fdecea; }
.verdict.promoted { background: #e8f5e9; }
.error { color: #9a3b00; }
dl { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; }
dt { font-weight: 600; }
dd { margin: 0; }
code { font-family: ui-monospace, monospace; font-size: 0.85rem; }
.query { color: #555; margin: 2px 0 18px; overflow-wrap: anywhere; }
table { border-collapse: collapse; font-size: 0.88rem; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e3e3e3; text-align: left; vertical-align: top; }
th { background: #f5f5f7; }
td.num { text-align: right; }
</style>
</head>
<body>
<h1>Backtest: {{.Scenario}}</h1>
<p class="verdict {{.Class}}">{{.Verdict}}</p>
{{if .Error}}<p class="error">The rehearsal failed: {{.Error}}</p>{{end}}
<dl>
{{range .Facts}}<dt>{{index . 0}}</dt><dd>{{index . 1}}</dd>
{{end}}</dl>
<h2>Metrics over the recording</h2>
{{range $i, $c := .Charts}}{{$c}}<p class="query">Query: <code>{{index $.Queries $i}}</code></p>
{{end}}{{.Weights}}
<h2>Timeline (recording time, UTC)</h2>
{{if .Ticks}}<table>
<tr><th>tick</th><th>time</th><th>phase</th><th>primary/canary</th><th>failed checks</th><th>metrics</th><th>reason</th></tr>
{{range .Ticks}}<tr><td class="num">{{.Tick}}</td><td>{{.Time}}</td><td>{{.Phase}}</td><td class="num">{{.Weights}}</td><td class="num">{{.Failed}}</td><td>{{.Metrics}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>{{else}}<p>No tick fits in the window.</p>{{end}}
{{if .Warnings}}<h2>Warnings</h2>
<ul>{{range .Warnings}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Notes}}<h2>Notes</h2>
<ul>{{range .Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body>
</html>
`
