// This file writes sweep.csv: one row per combination, its settings, rates
// and decision times, for a spreadsheet.

package sweepreport

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
)

// sweepCSVColumns are the statistics columns, after the combination index
// and one column per axis. Rates are shares (0-1), times seconds; an empty
// cell is a value that does not exist (no runs, or too few to bound it).
var sweepCSVColumns = []string{
	"runs", "bad_runs", "bad_rolled_back", "detection", "detection_lo", "detection_hi",
	"good_runs", "good_rolled_back", "false_rollback", "false_rollback_lo", "false_rollback_hi",
	"bad_decision_median_s", "bad_decision_median_lo_s", "bad_decision_median_hi_s",
	"bad_decision_p95_s", "bad_decision_p95_lo_s", "bad_decision_p95_hi_s",
	"good_decision_median_s", "good_decision_median_lo_s", "good_decision_median_hi_s",
	"good_decision_p95_s", "good_decision_p95_lo_s", "good_decision_p95_hi_s",
	"blast_errors_mean", "blast_errors_mean_lo", "blast_errors_mean_hi",
	"blast_errors_p95", "blast_errors_p95_lo", "blast_errors_p95_hi",
	"undecided", "errored",
}

// WriteCSV writes one row per combination: index, one column per axis
// (headed by its path), then sweepCSVColumns in that order.
func (o Options) WriteCSV(w io.Writer, res Result) error {
	return o.write(w, res, "CSV", renderSweepCSV)
}

func renderSweepCSV(b *bytes.Buffer, res Result, sum Summary) error {
	cw := csv.NewWriter(b)
	head := []string{"combination"}
	for _, a := range res.Axes {
		head = append(head, a.Path)
	}
	cw.Write(append(head, sweepCSVColumns...))
	for _, c := range sum.Combinations {
		cw.Write(sweepCSVRow(res.Axes, c))
	}
	cw.Flush()
	return cw.Error()
}

func sweepCSVRow(axes []Axis, c CombinationSummary) []string {
	row := []string{strconv.Itoa(c.Index)}
	for _, a := range axes {
		row = append(row, settingValue(c.Settings, a.Path))
	}
	row = append(row, strconv.Itoa(c.Runs))
	row = append(row, rateCSV(c.Detection)...)
	row = append(row, rateCSV(c.FalseRollback)...)
	for _, e := range []Estimate{c.BadDecision.Median, c.BadDecision.P95, c.GoodDecision.Median,
		c.GoodDecision.P95, c.BlastRadius.Mean, c.BlastRadius.P95} {
		row = append(row, csvNumber(e.Value), csvNumber(e.Lo), csvNumber(e.Hi))
	}
	return append(row, strconv.Itoa(c.Undecided), strconv.Itoa(c.Errored))
}

func rateCSV(r Rate) []string {
	return []string{strconv.Itoa(r.N), strconv.Itoa(r.Count), csvNumber(r.Rate), csvNumber(r.Lo), csvNumber(r.Hi)}
}

func csvNumber(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}
