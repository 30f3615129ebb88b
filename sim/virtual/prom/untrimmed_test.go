// This file proves that selecting whole chunks (untrimmed) answers as
// selecting samples trimmed to each query's range does.

package prom

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
)

// untrimmedSeries span several chunks each (a chunk holds about 120
// samples): counters with a reset, gauges with gaps longer than the
// lookback, series marked stale and resumed, irregular timestamps, and
// native and classic histograms.
var untrimmedSeries = [][2]string{
	{`c_total{pod="a"}`, "0+7x200 3+7x200"},
	{`c_total{pod="b"}`, "0+1x150 _x30 150+2x200"},
	{`g{pod="a"}`, "1+0.5x100 _x40 9-0.25x150"},
	{`g{pod="b"}`, "5x50 stale _x10 7x200"},
	{`h_bucket{le="0.1"}`, "0+1x400"},
	{`h_bucket{le="1"}`, "0+3x400"},
	{`h_bucket{le="+Inf"}`, "0+4x400"},
	{`nh`, "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}+{{schema:0 sum:2 count:1 buckets:[1]}}x300"},
}

var untrimmedQueries = []string{
	`c_total`, `g`, `nh`, `c_total[1m]`, `g[2m] offset 30s`, `nh[1m]`,
	`rate(c_total[1m])`, `irate(c_total[30s])`, `increase(c_total[5m])`, `resets(c_total[10m])`,
	`delta(g[2m])`, `deriv(g[3m])`, `changes(g[5m])`, `predict_linear(g[5m], 60)`,
	`avg_over_time(g[1m])`, `min_over_time(g[90s])`, `max_over_time(g[4m])`, `sum_over_time(c_total[1m])`,
	`count_over_time(g[10m])`, `last_over_time(g[10m])`, `quantile_over_time(0.9, g[3m])`,
	`stddev_over_time(g[2m])`, `present_over_time(g[1m])`, `absent_over_time(g[1m])`,
	`timestamp(g)`, `g offset 5m`, `c_total @ 1704067800`, `g @ 1704067800 offset 1m`,
	`max_over_time(rate(c_total[1m])[5m:30s])`, `rate(c_total[1m] offset 2m)`,
	`histogram_quantile(0.99, sum by (le) (rate(h_bucket[1m])))`,
	`histogram_quantile(0.9, rate(nh[1m]))`, `histogram_count(nh)`, `rate(nh[2m])`,
	`sum(rate(c_total[1m])) / sum(rate(c_total{pod="a"}[1m])) * 100`,
	`topk(1, rate(c_total[1m]))`, `count(g)`, `absent(g)`, `vector(1)`,
}

// untrimmedTimes are evaluation times before, among and after the samples:
// on a sample, between samples, past the last within and beyond the
// lookback, with samples after the time in the same chunk.
var untrimmedTimes = []time.Duration{
	-time.Minute, 0, 7 * time.Second, 75 * time.Second, 10 * time.Minute, 12*time.Minute + 20*time.Second,
	25 * time.Minute, 30*time.Minute + 15*time.Second, 33*time.Minute + 20*time.Second, 36 * time.Minute, 60 * time.Minute,
}

func TestUntrimmedAnswersAsTrimmed(t *testing.T) {
	s := newTestServer(t, Options{}, t0)
	for _, sv := range untrimmedSeries {
		if err := s.LoadSeries(sv[0], sv[1], t0, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range untrimmedQueries {
		for _, d := range untrimmedTimes {
			at := t0.Add(d)
			got := evaluated(t, s, func(ctx context.Context, ng *promql.Engine, st *store) (promql.Query, error) {
				return ng.NewInstantQuery(ctx, st, nil, q, at)
			})
			want := evaluated(t, s, func(ctx context.Context, ng *promql.Engine, st *store) (promql.Query, error) {
				return ng.NewInstantQuery(ctx, trimmed(st), nil, q, at)
			})
			if got != want {
				t.Errorf("%s at %s:\nuntrimmed %s\ntrimmed   %s", q, d, got, want)
			}
		}
		got := evaluated(t, s, func(ctx context.Context, ng *promql.Engine, st *store) (promql.Query, error) {
			return ng.NewRangeQuery(ctx, st, nil, q, t0, t0.Add(time.Hour), 25*time.Second)
		})
		want := evaluated(t, s, func(ctx context.Context, ng *promql.Engine, st *store) (promql.Query, error) {
			return ng.NewRangeQuery(ctx, trimmed(st), nil, q, t0, t0.Add(time.Hour), 25*time.Second)
		})
		if got != want {
			t.Errorf("%s over the hour:\nuntrimmed %s\ntrimmed   %s", q, got, want)
		}
	}
}

// trimmed is a store's queryable as a stock TSDB's, trimming each series's
// samples to the range asked.
func trimmed(st *store) storage.Queryable {
	return storage.QueryableFunc(func(mint, maxt int64) (storage.Querier, error) {
		return tsdb.NewBlockQuerier(tsdb.NewRangeHead(st.head.Head, mint, maxt), mint, maxt)
	})
}

// evaluated is a query's result, error and annotations as text (or why
// it could not be created), with an
// instant vector sorted as the server sorts it.
func evaluated(t *testing.T, s *Server, newQuery newQueryFunc) string {
	t.Helper()
	ctx := context.Background()
	var out string
	err := s.withStore(func(st *store) error {
		qry, err := newQuery(ctx, s.engine, st)
		if err != nil { // a range selector asked as a range query
			out = err.Error()
			return nil
		}
		defer qry.Close()
		res := qry.Exec(ctx)
		if v, ok := res.Value.(promql.Vector); ok && !ordersItself(qry.Statement()) {
			sortVector(v)
		}
		warns, infos := res.Warnings.AsStrings("", 0, 0)
		slices.Sort(warns)
		slices.Sort(infos)
		out = fmt.Sprintf("%s err=%v warnings=%q infos=%q", appendResult(nil, res.Value), res.Err, warns, infos)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
