// This file writes the sweep for the terminal: a headline, one aligned row
// per combination and a note on the methods.

package sweepreport

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rehearse-dev/rehearse/reports/internal/text"
)

// WriteTable writes the sweep for the terminal under these options: one
// aligned row per combination, then the findings.
func (o Options) WriteTable(w io.Writer, res Result) error {
	return o.write(w, res, "table", renderSweepTable)
}

func renderSweepTable(b *bytes.Buffer, res Result, sum Summary) error {
	b.WriteString(sweepHeadline(res) + "\n\n")
	if err := writeSweepRows(b, res, sum); err != nil {
		return err
	}
	b.WriteString("\n" + sweepMethodNote + "\n\nFindings:\n")
	for _, f := range sum.Findings {
		b.WriteString("- " + f.Text + "\n")
	}
	return nil
}

// sweepMethodNote tells a reader of the table what the intervals are.
const sweepMethodNote = "Intervals are 95%: Wilson score for rates, order statistics for times (? = too few runs to bound), " +
	"bootstrap for the mean. Blast radius: canary errors served before a bad release was rolled back."

// sweepHeadline says the size of the sweep in one line.
func sweepHeadline(res Result) string {
	words := fmt.Sprintf("Sweep: %s × %s × %s = %s", text.Plural(len(res.Scenarios), "scenario"),
		text.Plural(len(res.Combinations), "combination"), text.Plural(res.Seeds, "seed"), text.Plural(len(res.Samples), "run"))
	if res.Shard != "" {
		words += " (shard " + text.OneLine(res.Shard) + ")"
	}
	if res.Interrupted {
		words += ", interrupted: only the runs that finished are counted"
	}
	return words
}

func writeSweepRows(b *bytes.Buffer, res Result, sum Summary) error {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	names := settingNames(res)
	head := []string{"#"}
	for _, a := range res.Axes {
		head = append(head, strings.ToUpper(text.Cell(names[a.Path])))
	}
	head = append(head, "DETECTED", "95% CI", "FALSE ROLLBACK", "95% CI", "BAD: MEDIAN / P95", "GOOD: MEDIAN / P95",
		"BLAST: MEAN / P95", "UNDECIDED", "ERRORS")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, c := range sum.Combinations {
		fmt.Fprintln(tw, strings.Join(sweepRow(res.Axes, c), "\t"))
	}
	return tw.Flush()
}

func sweepRow(axes []Axis, c CombinationSummary) []string {
	row := []string{strconv.Itoa(c.Index)}
	for _, a := range axes {
		row = append(row, text.Cell(settingValue(c.Settings, a.Path)))
	}
	return append(row,
		rateCell(c.Detection), formatShareRange(c.Detection.Lo, c.Detection.Hi),
		rateCell(c.FalseRollback), formatShareRange(c.FalseRollback.Lo, c.FalseRollback.Hi),
		quantilePair(c.BadDecision, formatSweepDuration), quantilePair(c.GoodDecision, formatSweepDuration),
		formatPair(formatCount(c.BlastRadius.Mean.Value), formatCount(c.BlastRadius.P95.Value)),
		strconv.Itoa(c.Undecided), strconv.Itoa(c.Errored))
}

// rateCell writes "95% (19/20)".
func rateCell(r Rate) string {
	if r.Rate == nil {
		return "-"
	}
	return fmt.Sprintf("%s (%d/%d)", formatPercent(*r.Rate), r.Count, r.N)
}

func quantilePair(q Quantiles, format func(*float64) string) string {
	return formatPair(format(q.Median.Value), format(q.P95.Value))
}

// settingValue is the value a combination gives a path, "" when none.
func settingValue(settings []Setting, path string) string {
	for _, s := range settings {
		if s.Path == path {
			return s.Value
		}
	}
	return ""
}
