// This file is what a hey run measured, request by request: hey's CSV
// report read back onto the wall clock (which request got which answer),
// and the per-tick sums and latency percentiles the report shows.

package load

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
)

// Result is what a load test measured, request by request.
type Result struct {
	// Started is the wall time of every request made, answered or not.
	Started []time.Time
	// Answered are the requests that got an HTTP answer (of any status).
	Answered []Answer
}

// Answer is one answered request, as hey measured it.
type Answer struct {
	Start   time.Time
	Latency time.Duration
	Status  int
}

// Merge puts results together, in time order.
func Merge(rs ...Result) Result {
	var out Result
	for _, r := range rs {
		out.Started = append(out.Started, r.Started...)
		out.Answered = append(out.Answered, r.Answered...)
	}
	slices.SortFunc(out.Started, time.Time.Compare)
	slices.SortFunc(out.Answered, func(a, b Answer) int { return a.Start.Compare(b.Start) })
	return out
}

// csvColumns are hey's CSV columns this package reads.
const (
	colLatency = 0
	colStatus  = 6
	colOffset  = 7
	nColumns   = 8
)

// parseCSV reads hey's CSV report (one row per answered request: seconds
// taken, ..., status code, offset). hey's offsets count from its package's
// start, a clock this package cannot read, and to 0.1ms; but hey notes each
// offset just before building the request, when started records the wall
// time. The earliest of each pins one clock to the other, and each answer
// then takes the start time nearest to its offset: the requests left
// without one are those hey got no answer for.
func parseCSV(out string, started []time.Time) (Result, error) {
	started = slices.Clone(started)
	slices.SortFunc(started, time.Time.Compare)
	res := Result{Started: started}
	rows, err := csvRows(out)
	if err != nil || len(rows) == 0 || len(started) == 0 {
		return res, err
	}
	slices.SortFunc(rows, func(a, b csvRow) int { return cmp.Compare(a.offset, b.offset) })
	base := started[0].Add(-seconds(rows[0].offset))
	i, spare := 0, len(started)-len(rows) // spare: the requests with no answer
	for _, r := range rows {
		at := base.Add(seconds(r.offset))
		skip := nearest(started[i:], at, spare)
		i, spare = i+skip, spare-skip
		if i < len(started) {
			at = started[i]
			i++
		}
		res.Answered = append(res.Answered, Answer{Start: at, Latency: seconds(r.latency), Status: r.status})
	}
	return res, nil
}

// nearest is how many start times to pass over (at most spare) to reach
// the one closest to at.
func nearest(started []time.Time, at time.Time, spare int) int {
	i := 0
	for i < spare && i+1 < len(started) && absDuration(started[i+1].Sub(at)) < absDuration(started[i].Sub(at)) {
		i++
	}
	return i
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// csvRow is one answered request of hey's report.
type csvRow struct {
	offset, latency float64
	status          int
}

func csvRows(out string) ([]csvRow, error) {
	var rows []csvRow
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "response-time") {
			continue
		}
		f := strings.Split(line, ",")
		if len(f) != nColumns {
			return nil, fmt.Errorf("hey report line %d has %d columns, want %d: %q", i+1, len(f), nColumns, line)
		}
		lat, err1 := strconv.ParseFloat(f[colLatency], 64)
		code, err2 := strconv.Atoi(f[colStatus])
		off, err3 := strconv.ParseFloat(f[colOffset], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, fmt.Errorf("hey report line %d is not numbers: %q", i+1, line)
		}
		rows = append(rows, csvRow{off, lat, code})
	}
	return rows, nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Stats sums up the requests started in [from, to): how many, their
// answers by status, those with no answer, and the latency percentiles of
// the answered ones. Nil when no request started then.
func (r Result) Stats(from, to time.Time) *reports.LoadStats {
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	started := 0
	for _, t := range r.Started {
		if in(t) {
			started++
		}
	}
	if started == 0 {
		return nil
	}
	st := &reports.LoadStats{Requests: started, Status: map[string]int{}}
	var lat []time.Duration
	for _, a := range r.Answered {
		if in(a.Start) {
			st.Status[strconv.Itoa(a.Status)]++
			lat = append(lat, a.Latency)
		}
	}
	st.Errors = max(0, started-len(lat))
	slices.Sort(lat)
	st.P50, st.P95, st.P99 = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
	return st
}

// percentile is the nearest-rank percentile in milliseconds, to 0.1ms (hey
// writes latencies to 0.1ms); 0 with no values.
func percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	ms := float64(sorted[max(i, 0)]) / float64(time.Millisecond)
	return math.Round(ms*10) / 10
}
