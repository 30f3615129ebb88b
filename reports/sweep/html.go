// This file writes sweep.html: the view model of the self-contained page
// (rows, cells, scenarios, findings) the template renders.

package sweepreport

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// WriteHTML writes one self-contained page (inline CSS and SVG, no script,
// no font or file from elsewhere): the findings, a scatter of detection vs
// false rollback, a dot plot of decision times, the table and the sweep's
// settings.
func (o Options) WriteHTML(w io.Writer, res Result) error {
	return o.write(w, res, "page", renderSweepHTML)
}

func renderSweepHTML(b *bytes.Buffer, res Result, sum Summary) error {
	return sweepPageTemplate().Execute(b, newSweepPage(res, sum))
}

// sweepPage is everything the page template shows, already formatted.
type sweepPage struct {
	Headline  string
	HasBest   bool
	Limit     string
	Findings  []Finding
	Scatter   scatterView
	Key       []pageKey
	Times     timesView
	AxisNames []string
	Rows      []pageRow
	Scenarios []pageScenario
	Axes      []pageAxis
	Seeds     int
	Shard     string
	Methods   Methods
}

type pageKey struct{ Index, Label string }

type pageScenario struct{ Name, Role string }

type pageAxis struct{ Path, Values string }

// pageRow is one combination in the page's table.
type pageRow struct {
	Index, Class                           string
	Settings                               []string
	Detected, FalseRollback                pageCell
	BadMedian, BadP95, GoodMedian, GoodP95 pageCell
	BlastMean, BlastP95                    pageCell
	Undecided, Errored                     int
}

// pageCell is a statistic and, underneath, its interval.
type pageCell struct{ Value, CI string }

func newSweepPage(res Result, sum Summary) sweepPage {
	best := findingCombination(sum.Findings, "best")
	p := sweepPage{Headline: sweepHeadline(res), HasBest: best != nil, Limit: formatPercent(sum.MaxFalseRollback), Findings: sum.Findings,
		Scatter: layoutScatter(sum.Combinations, sum.MaxFalseRollback, best), Times: layoutTimes(sum.Combinations),
		Scenarios: pageScenarios(res), Seeds: res.Seeds, Shard: cmpOr(text.OneLine(res.Shard), "whole sweep"), Methods: sum.Methods}
	names := settingNames(res)
	for _, a := range res.Axes {
		p.AxisNames = append(p.AxisNames, names[a.Path])
		p.Axes = append(p.Axes, pageAxis{Path: a.Path, Values: strings.Join(a.Values, ", ")})
	}
	noisy := noisyIndexes(sum.Findings)
	for _, c := range sum.Combinations {
		p.Key = append(p.Key, pageKey{strconv.Itoa(c.Index), c.Label})
		p.Rows = append(p.Rows, newPageRow(res.Axes, c, rowClass(c.Index, best, noisy)))
	}
	return p
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// findingCombination is the combination of the first finding of a kind.
func findingCombination(fs []Finding, kind string) *int {
	for _, f := range fs {
		if f.Kind == kind {
			return f.Combination
		}
	}
	return nil
}

func noisyIndexes(fs []Finding) map[int]bool {
	out := map[int]bool{}
	for _, f := range fs {
		if f.Kind == "noisy" && f.Combination != nil {
			out[*f.Combination] = true
		}
	}
	return out
}

func rowClass(index int, best *int, noisy map[int]bool) string {
	switch {
	case best != nil && *best == index:
		return "best"
	case noisy[index]:
		return "noisy"
	}
	return ""
}

func newPageRow(axes []Axis, c CombinationSummary, class string) pageRow {
	r := pageRow{Index: strconv.Itoa(c.Index), Class: class, Undecided: c.Undecided, Errored: c.Errored,
		Detected: rateCellCI(c.Detection), FalseRollback: rateCellCI(c.FalseRollback),
		BadMedian: timeCell(c.BadDecision.Median), BadP95: timeCell(c.BadDecision.P95),
		GoodMedian: timeCell(c.GoodDecision.Median), GoodP95: timeCell(c.GoodDecision.P95),
		BlastMean: countCell(c.BlastRadius.Mean), BlastP95: countCell(c.BlastRadius.P95)}
	for _, a := range axes {
		r.Settings = append(r.Settings, text.Cell(settingValue(c.Settings, a.Path)))
	}
	return r
}

func rateCellCI(r Rate) pageCell {
	if r.Rate == nil {
		return pageCell{Value: "-"}
	}
	return pageCell{Value: formatPercent(*r.Rate), CI: fmt.Sprintf("%d/%d · %s", r.Count, r.N, formatShareRange(r.Lo, r.Hi))}
}

func timeCell(e Estimate) pageCell {
	return pageCell{Value: formatSweepDuration(e.Value), CI: formatEstimateRange(e, formatSweepDuration)}
}

func countCell(e Estimate) pageCell {
	return pageCell{Value: formatCount(e.Value), CI: formatEstimateRange(e, formatCount)}
}

// pageScenarios says what each scenario's release is, from its runs.
func pageScenarios(res Result) []pageScenario {
	role := map[string]string{}
	for _, s := range res.Samples {
		role[s.Scenario] = "good release: should be promoted"
		if s.Bad {
			role[s.Scenario] = "bad release: should be rolled back"
		}
	}
	out := make([]pageScenario, len(res.Scenarios))
	for i, name := range res.Scenarios {
		out[i] = pageScenario{Name: name, Role: cmpOr(role[name], "no runs in this result")}
	}
	return out
}
