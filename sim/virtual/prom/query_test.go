// This file tests instant and range queries over appended samples.

package prom

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
)

func TestRateOverAppendedCounters(t *testing.T) {
	const nan = -1.0 // marks "no sample at this step"
	tests := []struct {
		name   string
		values []float64 // one per 15s step from t0; nan skips a step
		want   float64   // rate(c_total[1m]) at the last step; NaN: no result
	}{
		// 180 over the 45s the samples span, extrapolated to the 60s window.
		{"steady", []float64{0, 60, 120, 180, 240}, 4},
		// A reset to 20 counts the 160 before it: 160-100 + 20 + 80-20 = 140.
		{"counter reset", []float64{nan, 100, 160, 20, 80}, 140.0 / 45},
		{"flat", []float64{5, 5, 5, 5, 5}, 0},
		{"one sample is not enough", []float64{nan, nan, nan, nan, 10}, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Options{}, t0)
			series := labels.FromStrings("__name__", "c_total", "pod", "p1")
			for i, v := range tt.values {
				if v == nan {
					continue
				}
				if err := s.Append(series, t0.Add(time.Duration(i)*15*time.Second).UnixMilli(), v); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Commit(); err != nil {
				t.Fatal(err)
			}
			at := t0.Add(time.Duration(len(tt.values)-1) * 15 * time.Second)
			v, err := s.Query(context.Background(), "sum(rate(c_total[1m]))", at)
			if err != nil {
				t.Fatal(err)
			}
			vec := v.(promql.Vector)
			if math.IsNaN(tt.want) {
				if len(vec) != 0 {
					t.Errorf("got %v, want no result", vec)
				}
				return
			}
			if len(vec) != 1 || math.Abs(vec[0].F-tt.want) > 1e-12 {
				t.Errorf("got %v, want %v", vec, tt.want)
			}
		})
	}
}

func TestAppendIsInvisibleUntilCommit(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	if err := s.Append(labels.FromStrings("__name__", "x"), t0.UnixMilli(), 1); err != nil {
		t.Fatal(err)
	}
	if n := vectorLen(t, s, "x", t0); n != 0 {
		t.Fatalf("before Commit: %d series visible, want 0", n)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := vectorLen(t, s, "x", t0); n != 1 {
		t.Fatalf("after Commit: %d series visible, want 1", n)
	}
}

// The head would silently drop, at Commit, a sample that is not newer than
// one appended earlier in the same transaction; Append reports it instead.
func TestAppendRejectsSamplesTheHeadWouldDrop(t *testing.T) {
	x := labels.FromStrings("__name__", "x")
	y := labels.FromStrings("__name__", "y")
	type sample struct {
		l labels.Labels
		t int64 // seconds after t0
		v float64
	}
	tests := []struct {
		name    string
		batch   []sample
		wantErr []bool // per sample
		want    string // x's stored samples after Commit
	}{
		{"in order", []sample{{x, 1, 1}, {x, 2, 2}}, []bool{false, false}, "1:1 2:2"},
		{"older within the batch", []sample{{x, 2, 2}, {x, 1, 1}}, []bool{false, true}, "2:2"},
		{"same time within the batch", []sample{{x, 2, 2}, {x, 2, 3}}, []bool{false, true}, "2:2"},
		{"other series do not interfere", []sample{{x, 2, 2}, {y, 1, 1}, {x, 3, 3}}, []bool{false, false, false}, "2:2 3:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Options{}, t0)
			for i, smp := range tt.batch {
				err := s.Append(smp.l, t0.Add(time.Duration(smp.t)*time.Second).UnixMilli(), smp.v)
				if (err != nil) != tt.wantErr[i] {
					t.Errorf("sample %d: Append = %v, want error %v", i, err, tt.wantErr[i])
				}
			}
			if err := s.Commit(); err != nil {
				t.Fatal(err)
			}
			v, err := s.Query(context.Background(), "x[1m]", t0.Add(30*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if got := points(t, v); got != tt.want {
				t.Errorf("stored %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAppendRejectsOlderThanCommitted(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	x := labels.FromStrings("__name__", "x")
	if err := s.Append(x, t0.UnixMilli()+2000, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(x, t0.UnixMilli()+1000, 1); !errors.Is(err, storage.ErrOutOfOrderSample) {
		t.Errorf("Append before a committed sample = %v, want ErrOutOfOrderSample", err)
	}
}

func TestAppendRejectsBadSamples(t *testing.T) {
	tests := []struct {
		name   string
		labels labels.Labels
	}{
		{"empty label set", labels.EmptyLabels()},
		{"duplicate label", labels.New(labels.Label{Name: "a", Value: "1"}, labels.Label{Name: "a", Value: "2"})},
	}
	s := newTestServer(t, Options{}, t0)
	for _, tt := range tests {
		if err := s.Append(tt.labels, t0.UnixMilli(), 1); err == nil {
			t.Errorf("%s: Append = nil, want an error", tt.name)
		}
	}
}

func TestQueryOrdersVectorsByLabels(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	load(t, s, [2]string{`x{p="c"}`, "1"}, [2]string{`x{p="a"}`, "3"}, [2]string{`x{p="b"}`, "2"})
	tests := []struct {
		query string
		want  []string
	}{
		{"x", []string{"a", "b", "c"}},
		{"x * 2", []string{"a", "b", "c"}},
		{"sort(x)", []string{"c", "b", "a"}},
		{"(sort_desc(x))", []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		v, err := s.Query(context.Background(), tt.query, t0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, smp := range v.(promql.Vector) {
			got = append(got, smp.Metric.Get("p"))
		}
		if !equalStrings(got, tt.want) {
			t.Errorf("%s: order %v, want %v", tt.query, got, tt.want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A matrix's point slices are pooled by the engine; Query must hand out a
// copy that later queries cannot overwrite.
func TestQueryResultSurvivesLaterQueries(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	load(t, s, [2]string{"x", "1+1x8"}, [2]string{"y", "100+1x8"})
	first, err := s.Query(context.Background(), "x[2m]", t0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	before := first.String()
	for range 20 {
		if _, err := s.Query(context.Background(), "y[2m]", t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if after := first.String(); after != before {
		t.Errorf("result changed after later queries:\nbefore %s\nafter  %s", before, after)
	}
}

func TestQueryRange(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	load(t, s, [2]string{"x", "0+1x8"})
	m, err := s.QueryRange(context.Background(), "x * 10", t0, t0.Add(time.Minute), 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	want := `{} =>
0 @[1704067200000]
20 @[1704067230000]
40 @[1704067260000]`
	if m.String() != want {
		t.Errorf("got\n%s\nwant\n%s", m, want)
	}
}

func TestQueryErrorsKeepTheirKind(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	load(t, s, [2]string{`x{p="a"}`, "1"}, [2]string{`x{p="b"}`, "1"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		query string
		is    func(error) bool
	}{
		{"parse", context.Background(), "sum(", func(err error) bool { var e queryError; return errors.As(err, &e) }},
		{"execution", context.Background(), "x + on() x", func(err error) bool { return classify(err).typ == errExecution }},
		{"canceled", ctx, "x", func(err error) bool { var e promql.ErrQueryCanceled; return errors.As(err, &e) }},
	}
	for _, tt := range tests {
		_, err := s.Query(tt.ctx, tt.query, t0)
		if err == nil || !tt.is(err) {
			t.Errorf("%s: Query(%q) = %v, not the expected kind", tt.name, tt.query, err)
		}
	}
}
