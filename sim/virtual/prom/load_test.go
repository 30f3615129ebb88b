// This file tests loading series in promtool notation.

package prom

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"
)

// points renders a matrix's single series as "seconds-after-t0:value" pairs.
func points(t *testing.T, v any) string {
	t.Helper()
	m, ok := v.(promql.Matrix)
	if !ok || len(m) != 1 {
		t.Fatalf("want a matrix of one series, got %v", v)
	}
	var parts []string
	for _, p := range m[0].Floats {
		parts = append(parts, fmt.Sprintf("%d:%s", (p.T-t0.UnixMilli())/1000, strconv.FormatFloat(p.F, 'g', -1, 64)))
	}
	return strings.Join(parts, " ")
}

func TestLoadSeriesNotation(t *testing.T) {
	tests := []struct {
		values string
		want   string // every stored sample, stale markers excluded
	}{
		{"0+10x3", "0:0 15:10 30:20 45:30"},
		{"5-1x2", "0:5 15:4 30:3"},
		{"1x2", "0:1 15:1 30:1"},
		{"1 _ 3", "0:1 30:3"},
		{"1 _x2 4", "0:1 45:4"},
		{"1 2 stale 4", "0:1 15:2 45:4"},
		{"-1.5 NaN Inf -Inf", "0:-1.5 15:NaN 30:+Inf 45:-Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.values, func(t *testing.T) {
			s := newTestServer(t, Options{}, t0)
			load(t, s, [2]string{`x{a="1"}`, tt.values})
			v, err := s.Query(context.Background(), "x[2m]", t0.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if got := points(t, v); got != tt.want {
				t.Errorf("LoadSeries %q stored %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}

func TestLoadSeriesRejectsBadNotation(t *testing.T) {
	tests := []struct{ metric, values string }{
		{"x", "1 +"},
		{"x", "one"},
		{"x{", "1"},
		{"", "1 2"},
	}
	s := newTestServer(t, Options{}, t0)
	for _, tt := range tests {
		if err := s.LoadSeries(tt.metric, tt.values, t0, time.Second); err == nil {
			t.Errorf("LoadSeries(%q, %q) = nil, want an error", tt.metric, tt.values)
		}
	}
}

func TestLoadSeriesRejectsOutOfOrder(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	load(t, s, [2]string{"x", "1x4"})
	err := s.LoadSeries("x", "9", t0, time.Second)
	if err == nil || !strings.Contains(err.Error(), "out of order") {
		t.Errorf("loading x again at t0 = %v, want an out-of-order error", err)
	}
}

func TestStaleMarkerEndsSeries(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	load(t, s, [2]string{"x", "1 stale"})
	tests := []struct {
		after time.Duration
		want  int
	}{
		{0, 1},
		{14 * time.Second, 1},
		{15 * time.Second, 0}, // the stale marker itself
		{time.Minute, 0},      // still within the lookback of the last real sample
	}
	for _, tt := range tests {
		if got := vectorLen(t, s, "x", t0.Add(tt.after)); got != tt.want {
			t.Errorf("x at t0+%s: %d series, want %d", tt.after, got, tt.want)
		}
	}
}

func TestLookbackDelta(t *testing.T) {
	tests := []struct {
		lookback time.Duration
		after    time.Duration
		want     int
	}{
		{0, 0, 1},
		{0, 5*time.Minute - time.Millisecond, 1},
		{0, 5 * time.Minute, 0}, // the window is open on the left
		{time.Minute, time.Minute - time.Millisecond, 1},
		{time.Minute, time.Minute, 0},
		{0, -time.Millisecond, 0}, // before the sample
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("lookback %s at +%s", tt.lookback, tt.after), func(t *testing.T) {
			s := newTestServer(t, Options{LookbackDelta: tt.lookback}, t0)
			load(t, s, [2]string{"x", "7"})
			if got := vectorLen(t, s, "x", t0.Add(tt.after)); got != tt.want {
				t.Errorf("%d series, want %d", got, tt.want)
			}
		})
	}
}

func vectorLen(t *testing.T, s *Server, q string, at time.Time) int {
	t.Helper()
	v, err := s.Query(context.Background(), q, at)
	if err != nil {
		t.Fatal(err)
	}
	vec, ok := v.(promql.Vector)
	if !ok {
		t.Fatalf("%s: want a vector, got %T", q, v)
	}
	return len(vec)
}
