// This file is the sweep page's HTML template: inline styles and SVG, no
// script, so the page opens anywhere.

package sweepreport

import (
	"html/template"
	"sync"
)

// sweepPageTemplate is the sweep page. It loads nothing: styles are
// inline, charts are inline SVG, and fonts are the reader's own, so the
// file can be mailed, attached to CI, or opened offline. It is parsed on
// first use, not at package init: most commands never write a sweep page,
// and every process start paid ~0.4 ms for it (issue 13).
var sweepPageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("sweep").Parse(sweepPageText))
})

const sweepPageText = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rehearse sweep</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 0 auto; padding: 16px 24px 48px; max-width: 1220px; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0.4em 0 0.1em; }
h2 { font-size: 1.2rem; margin: 1.6em 0 0.4em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.headline, .explain, .note { color: #555; margin: 0.3em 0; }
.note { font-size: 0.85rem; }
ul.findings { padding-left: 1.2em; }
.finding { margin: 0.35em 0; }
.finding.best { font-weight: 600; }
.finding.noisy, .finding.errors { color: #9a3b00; }
.chart-row { display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }
ul.key { list-style: none; padding: 0; margin: 8px 0; font-size: 0.9rem; columns: 1; }
ul.key li { margin: 2px 0; }
ul.key b { display: inline-block; min-width: 2em; }
svg text { font-family: inherit; font-size: 12px; fill: #333; }
svg .grid { stroke: #e6e6e6; }
svg .frame { fill: none; stroke: #999; }
svg .limit { fill: #e3f4e1; }
svg .limit-text { fill: #2e7d32; }
svg .axis-title { font-size: 13px; fill: #555; }
svg .whisker { stroke: #5b5b8f; stroke-width: 1.5; }
svg .point { fill: #5b5b8f; stroke: #fff; stroke-width: 1.5; }
svg .point.best { fill: #f0b400; stroke: #000; stroke-width: 2; }
svg .label { font-weight: 600; }
svg .row-line { stroke: #f0f0f0; }
svg .range { stroke-width: 2; }
svg .bad { stroke: #d55e00; fill: #d55e00; }
svg .good { stroke: #0072b2; fill: #0072b2; }
svg .p95 { stroke-width: 3; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin: 0 4px 0 10px; }
.swatch.bad { background: #d55e00; }
.swatch.good { background: #0072b2; }
table { border-collapse: collapse; font-size: 0.88rem; margin-top: 6px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e3e3e3; text-align: right; vertical-align: top; }
th { background: #f5f5f7; position: sticky; top: 0; }
th.setting, td.setting { text-align: left; font-family: ui-monospace, monospace; }
tr.best td { background: #fff6d6; }
tr.noisy td { background: #fdece4; }
.ci { display: block; color: #777; font-size: 0.78rem; }
td { white-space: nowrap; }
.table-wrap { overflow-x: auto; }
dl { display: grid; grid-template-columns: max-content auto; gap: 4px 16px; }
dt { font-weight: 600; }
dd { margin: 0; }
code { font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<h1>Rehearse sweep</h1>
<p class="headline">{{.Headline}}</p>

<h2>Findings</h2>
<ul class="findings">
{{- range .Findings}}
<li class="finding {{.Kind}}">{{.Text}}</li>
{{- end}}
</ul>

<h2>Detection vs false rollback</h2>
<p class="explain">One dot per combination. Higher catches more bad releases; further left rolls back fewer good ones. Whiskers are 95% intervals; the green band is under the {{.Limit}} false-rollback limit{{if .HasBest}}, and the gold dot is the best combination inside it{{end}}.</p>
<div class="chart-row">
{{with .Scatter -}}
<svg id="scatter" class="chart" xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="detection against false rollback per combination">
<rect class="limit" x="{{.Left}}" y="{{.Top}}" width="{{.LimitW}}" height="{{.PlotH}}"/>
{{- range .XTicks}}
<line class="grid" x1="{{.Pos}}" x2="{{.Pos}}" y1="{{$.Scatter.Top}}" y2="{{$.Scatter.Bottom}}"/><text class="tick" x="{{.Pos}}" y="{{$.Scatter.Bottom}}" dy="18" text-anchor="middle">{{.Text}}</text>
{{- end}}
{{- range .YTicks}}
<line class="grid" x1="{{$.Scatter.Left}}" x2="{{$.Scatter.Right}}" y1="{{.Pos}}" y2="{{.Pos}}"/><text class="tick" x="{{$.Scatter.Left}}" y="{{.Pos}}" dx="-6" dy="4" text-anchor="end">{{.Text}}</text>
{{- end}}
<text class="limit-text" x="{{.Left}}" y="{{.Bottom}}" dx="4" dy="-6">{{.LimitTxt}}</text>
<text class="axis-title" x="{{.XTitleX}}" y="{{.Height}}" dy="-8" text-anchor="middle">false rollback: good releases rolled back</text>
<text class="axis-title" transform="rotate(-90)" x="-{{.YTitleY}}" y="16" text-anchor="middle">detection: bad releases rolled back</text>
{{- range .Points}}
<line class="whisker" x1="{{.X1}}" x2="{{.X2}}" y1="{{.CY}}" y2="{{.CY}}"/><line class="whisker" x1="{{.CX}}" x2="{{.CX}}" y1="{{.Y1}}" y2="{{.Y2}}"/>
{{- end}}
{{- range .Points}}
<circle class="{{.Class}}" cx="{{.CX}}" cy="{{.CY}}" r="6"><title>{{.Title}}</title></circle>
{{- end}}
{{- range .Labels}}
<text class="label" x="{{.X}}" y="{{.Y}}" dx="9" dy="-7">{{.Text}}</text>
{{- end}}
</svg>
{{- end}}
<ul class="key">
{{- range .Key}}
<li><b>{{.Index}}</b>{{.Label}}</li>
{{- end}}
</ul>
</div>

<h2>Time to decision</h2>
<p class="explain"><span class="swatch bad"></span>bad release <span class="swatch good"></span>good release — dot: median time from the release to the rollback or promotion; bar: 95th percentile. Hover a dot for its intervals.</p>
{{with .Times -}}
<svg id="times" class="chart" xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="median and 95th percentile time to decision per combination">
{{- range .Ticks}}
<line class="grid" x1="{{.Pos}}" x2="{{.Pos}}" y1="{{$.Times.PlotTop}}" y2="{{$.Times.Bottom}}"/><text class="tick" x="{{.Pos}}" y="{{$.Times.Bottom}}" dy="18" text-anchor="middle">{{.Text}}</text>
{{- end}}
{{- range .Rows}}
<line class="row-line" x1="0" x2="{{$.Times.Right}}" y1="{{.Line}}" y2="{{.Line}}"/><text class="row-label" x="{{$.Times.LabelX}}" y="{{.LabelY}}" text-anchor="end">{{.Label}}</text>
{{- range .Series}}
<line class="range {{.Kind}}" x1="{{.MedianX}}" x2="{{.P95X}}" y1="{{.Y}}" y2="{{.Y}}"/><line class="p95 {{.Kind}}" x1="{{.P95X}}" x2="{{.P95X}}" y1="{{.BarTop}}" y2="{{.BarBottom}}"/><circle class="median {{.Kind}}" cx="{{.MedianX}}" cy="{{.Y}}" r="5"><title>{{.Title}}</title></circle>
{{- end}}
{{- end}}
</svg>
{{- end}}

<h2>Every combination</h2>
<div class="table-wrap">
<table>
<thead><tr><th>#</th>{{range .AxisNames}}<th class="setting">{{.}}</th>{{end}}<th>Detected</th><th>False rollback</th><th>Bad: median</th><th>Bad: p95</th><th>Good: median</th><th>Good: p95</th><th>Blast: mean errors</th><th>Blast: p95 errors</th><th>Undecided</th><th>Errors</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr{{if .Class}} class="{{.Class}}"{{end}}><td>{{.Index}}</td>{{range .Settings}}<td class="setting">{{.}}</td>{{end}}{{template "cell" .Detected}}{{template "cell" .FalseRollback}}{{template "cell" .BadMedian}}{{template "cell" .BadP95}}{{template "cell" .GoodMedian}}{{template "cell" .GoodP95}}{{template "cell" .BlastMean}}{{template "cell" .BlastP95}}<td>{{.Undecided}}</td><td>{{.Errored}}</td></tr>
{{- end}}
</tbody>
</table>
</div>
<p class="note">Grey figures are 95% intervals; “?” means too few runs to set that bound. Blast radius counts the canary's failed requests before a bad release was rolled back. Runs that could not complete count in no rate; undecided runs count as not rolled back.</p>

<h2>Sweep settings</h2>
<dl>
<dt>Scenarios</dt><dd>{{range $i, $s := .Scenarios}}{{if $i}}<br>{{end}}<code>{{$s.Name}}</code>: {{$s.Role}}{{end}}</dd>
<dt>Axes</dt><dd>{{range $i, $a := .Axes}}{{if $i}}<br>{{end}}<code>{{$a.Path}}</code> = {{$a.Values}}{{else}}none{{end}}</dd>
<dt>Seeds</dt><dd>{{.Seeds}} per scenario and combination</dd>
<dt>Shard</dt><dd>{{.Shard}}</dd>
<dt>False-rollback limit</dt><dd>{{.Limit}}</dd>
<dt>Rates</dt><dd>{{.Methods.Rates}}</dd>
<dt>Times and p95</dt><dd>{{.Methods.Quantiles}}</dd>
<dt>Means</dt><dd>{{.Methods.Means}}</dd>
</dl>
</body>
</html>
{{define "cell"}}<td>{{.Value}}{{if .CI}}<span class="ci">{{.CI}}</span>{{end}}</td>{{end}}`
