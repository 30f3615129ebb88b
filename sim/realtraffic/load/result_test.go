// This file tests reading hey's CSV report onto the wall clock, the
// per-window stats, and the nearest-rank percentiles.

package load

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/reports"
)

// heyCSV is hey's CSV report as its template writes it.
const heyCSV = `response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
0.0100,0.0001,0.0000,0.0000,0.0099,0.0000,200,5.0000
0.0300,0.0000,0.0000,0.0000,0.0299,0.0000,200,5.5000
0.2000,0.0000,0.0000,0.0000,0.1999,0.0000,500,6.2500
0.0200,0.0000,0.0000,0.0000,0.0199,0.0000,503,7.0000
`

func TestParseCSVPinsHeysClock(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	// five requests made, four answered: the one at 1.5s got no answer.
	started := []time.Time{at(0), at(0.5), at(1.25), at(1.5), at(2)}
	res, err := parseCSV(heyCSV, started)
	if err != nil {
		t.Fatal(err)
	}
	want := []Answer{{at(0), 10 * time.Millisecond, 200}, {at(0.5), 30 * time.Millisecond, 200},
		{at(1.25), 200 * time.Millisecond, 500}, {at(2), 20 * time.Millisecond, 503}}
	if len(res.Answered) != len(want) {
		t.Fatalf("answers %v, want %v", res.Answered, want)
	}
	for i, a := range res.Answered {
		if !a.Start.Equal(want[i].Start) || a.Latency != want[i].Latency || a.Status != want[i].Status {
			t.Errorf("answer %d = %+v, want %+v", i, a, want[i])
		}
	}
	st := res.Stats(at(0), at(1.5))
	wantStats := reports.LoadStats{Requests: 3, Status: map[string]int{"200": 2, "500": 1}, P50: 30, P95: 200, P99: 200}
	if st == nil || st.Requests != wantStats.Requests || !maps.Equal(st.Status, wantStats.Status) || st.Errors != 0 ||
		st.P50 != wantStats.P50 || st.P99 != wantStats.P99 {
		t.Errorf("stats of [0, 1.5s) = %+v, want %+v", st, wantStats)
	}
	if st := res.Stats(at(1.5), at(3)); st == nil || st.Requests != 2 || st.Errors != 1 || st.Status["503"] != 1 {
		t.Errorf("stats of [1.5s, 3s) = %+v, want 2 requests, one unanswered, one 503", st)
	}
	if st := res.Stats(at(3), at(4)); st != nil {
		t.Errorf("stats of a window with no request = %+v, want nil", st)
	}
}

func TestParseCSVRefusesGarbage(t *testing.T) {
	for _, in := range []string{"0.1,0.2\n", "a,b,c,d,e,f,g,h\n"} {
		if _, err := parseCSV(in, []time.Time{time.Now()}); err == nil || !strings.Contains(err.Error(), "hey report") {
			t.Errorf("parseCSV(%q) = %v, want an error", in, err)
		}
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		sorted []time.Duration
		q      float64
		want   float64
	}{
		{nil, 0.5, 0},
		{ms(7), 0.99, 7},
		{ms(1, 2, 3, 4), 0.5, 2},
		{ms(1, 2, 3, 4), 0.99, 4},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.95, 10},
		{[]time.Duration{1234567 * time.Nanosecond}, 0.5, 1.2},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.q); got != tt.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.q, got, tt.want)
		}
	}
}
