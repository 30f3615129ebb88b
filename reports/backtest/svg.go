// This file is the backtest charts' SVG template and style.

package backtestreport

import (
	"html/template"
	"sync"
)

// btStyle is shared by every backtest chart, so a chart written to its
// own .svg file looks as it does inside the page.
const btStyle = `<style>
text { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 12px; fill: #333; }
.title { font-size: 13px; font-weight: 600; }
.grid { stroke: #ececec; }
.frame { fill: none; stroke: #999; }
.value { fill: none; stroke: #0072b2; stroke-width: 1.8; }
.bound { stroke: #c62828; stroke-dasharray: 6 4; stroke-width: 1.2; }
.bound-text { fill: #c62828; }
.mark { stroke-width: 1.4; }
.release { stroke: #888; stroke-dasharray: 2 3; }
.breach { stroke: #e69f00; stroke-dasharray: 5 3; }
.decision { stroke: #1d1d1f; }
.mark-text { font-size: 11px; }
.check { stroke: #fff; stroke-width: 1.2; }
.pass { fill: #2e7d32; }
.fail { fill: #c62828; }
.none { fill: #fff; stroke: #c62828; stroke-width: 1.6; }
.weight { fill: none; stroke: #6a3d9a; stroke-width: 1.8; }
.empty { fill: #777; font-style: italic; }
</style>`

// btChartTemplate is parsed on first use, not at package init: only a
// backtest draws these charts, and every process start paid for them
// (issue 13).
var btChartTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("chart").Parse(btChartText))
})

const btChartText = `{{define "chart"}}<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="{{.Title}}">
` + btStyle + `
<text class="title" x="{{.Left}}" y="14">{{.Title}}</text>
{{range .YTicks}}<line class="grid" x1="{{$.Left}}" x2="{{$.Right}}" y1="{{.Pos}}" y2="{{.Pos}}"/><text x="{{$.Left}}" dx="-6" y="{{.Pos}}" dy="4" text-anchor="end">{{.Text}}</text>
{{end}}{{range .XTicks}}<line class="grid" x1="{{.Pos}}" x2="{{.Pos}}" y1="{{$.Top}}" y2="{{$.Bottom}}"/><text x="{{.Pos}}" y="{{$.Bottom}}" dy="16" text-anchor="middle">{{.Text}}</text>
{{end}}<rect class="frame" x="{{.Left}}" y="{{.Top}}" width="{{.PlotW}}" height="{{.PlotH}}"/>
{{range .Bounds}}<line class="bound" x1="{{$.Left}}" x2="{{$.Right}}" y1="{{.Y}}" y2="{{.Y}}"/><text class="bound-text" x="{{$.Right}}" dx="6" y="{{.Y}}" dy="4">{{.Text}}</text>
{{end}}{{range .Lines}}<polyline class="value" points="{{.}}"/>
{{end}}{{if .Empty}}<text class="empty" x="{{.Left}}" dx="12" y="{{.Top}}" dy="24">the query found no values anywhere in the window</text>
{{end}}{{range .Marks}}<line class="{{.Class}}" x1="{{.X}}" x2="{{.X}}" y1="{{$.Top}}" y2="{{$.Bottom}}"/><text class="mark-text" x="{{.X}}" dx="3" y="{{.TextY}}">{{.Text}}</text>
{{end}}{{range .Checks}}<circle class="{{.Class}}" cx="{{.X}}" cy="{{.Y}}" r="4"><title>{{.Title}}</title></circle>
{{end}}</svg>
{{end}}{{define "weights"}}<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="canary weight">
` + btStyle + `
<text class="title" x="{{.Left}}" y="14">canary weight the engine set (recorded, not fed back into the recording)</text>
{{range .YTicks}}<line class="grid" x1="{{$.Left}}" x2="{{$.Right}}" y1="{{.Pos}}" y2="{{.Pos}}"/><text x="{{$.Left}}" dx="-6" y="{{.Pos}}" dy="4" text-anchor="end">{{.Text}}</text>
{{end}}{{range .XTicks}}<text x="{{.Pos}}" y="{{$.Bottom}}" dy="16" text-anchor="middle">{{.Text}}</text>
{{end}}<polyline class="weight" points="{{.Line}}"/>
</svg>
{{end}}`

// PlotW and PlotH are the plot's size, for the frame.
func (btChart) PlotW() int { return btPlotW }

// PlotH is the plot's height.
func (btChart) PlotH() int { return btPlotH }
