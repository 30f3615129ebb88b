// This file tests parsing the exposition format, a scrape stamped with
// virtual time and its `up` series, and the loop's schedule and waits.

package scrape

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

const exposition = `# HELP reqs_total Requests.
# TYPE reqs_total counter
reqs_total{code="200",job="app"} 7
reqs_total{code="500",job="app"} 1
# TYPE temp gauge
temp 21.5
# TYPE lat histogram
lat_bucket{le="0.01"} 3
lat_bucket{le="0.1"} 5
lat_bucket{le="+Inf"} 6
lat_sum 0.42
lat_count 6
# TYPE q summary
q{quantile="0.5"} 2
q_sum 10
q_count 4
plain 3
`

func TestParse(t *testing.T) {
	got, err := Parse(strings.NewReader(exposition), labels.Label{Name: "job", Value: "w"}, labels.Label{Name: "instance", Value: "canary"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`lat_bucket{instance="canary", job="w", le="0.01"} 3`,
		`lat_bucket{instance="canary", job="w", le="0.1"} 5`,
		`lat_bucket{instance="canary", job="w", le="+Inf"} 6`,
		`lat_sum{instance="canary", job="w"} 0.42`,
		`lat_count{instance="canary", job="w"} 6`,
		`plain{instance="canary", job="w"} 3`,
		`q{instance="canary", job="w", quantile="0.5"} 2`,
		`q_sum{instance="canary", job="w"} 10`,
		`q_count{instance="canary", job="w"} 4`,
		// the exposed job is kept aside, as Prometheus does
		`reqs_total{code="200", exported_job="app", instance="canary", job="w"} 7`,
		`reqs_total{code="500", exported_job="app", instance="canary", job="w"} 1`,
		`temp{instance="canary", job="w"} 21.5`,
	}
	if g := render(got); !slices.Equal(sortedCopy(g), sortedCopy(want)) {
		t.Errorf("samples:\n%s\nwant\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
	}
}

// TestParseAddsInfBucket: a histogram whose exposition leaves +Inf out
// still gets it, from the count.
func TestParseAddsInfBucket(t *testing.T) {
	got, err := Parse(strings.NewReader("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_sum 1\nh_count 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(render(got), `h_bucket{le="+Inf"} 3`) {
		t.Errorf("no +Inf bucket in %v", render(got))
	}
}

func TestParseRefusesGarbage(t *testing.T) {
	for _, in := range []string{"reqs_total{code=\"200\" 7\n", "x 1 2 3\n", "# TYPE x counter\nx abc\n"} {
		if _, err := Parse(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "exposition") {
			t.Errorf("Parse(%q) = %v, want an error about the exposition", in, err)
		}
	}
}

func render(ss []Sample) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = series(s.Labels) + " " + formatBound(s.Value)
	}
	return out
}

// series writes labels as a selector: name{a="1", b="2"}.
func series(l labels.Labels) string {
	var pairs []string
	l.Range(func(lb labels.Label) {
		if lb.Name != labels.MetricName {
			pairs = append(pairs, lb.Name+`="`+lb.Value+`"`)
		}
	})
	return l.Get(labels.MetricName) + "{" + strings.Join(pairs, ", ") + "}"
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// recorder is an Appender that keeps what it is given.
type recorder struct {
	mu      sync.Mutex
	samples []string
	commits int
}

func (r *recorder) Append(l labels.Labels, t int64, v float64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.samples = append(r.samples, series(l)+" "+formatBound(v)+" @"+time.UnixMilli(t).UTC().Format(time.TimeOnly))
	return nil
}

func (r *recorder) Commit() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.commits++
	return nil
}

func (r *recorder) snapshot() ([]string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.samples), r.commits
}

func TestScrapeStampsVirtualTimeAndUp(t *testing.T) {
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept"), "text/plain") {
			t.Errorf("Accept %q does not ask for the text format", r.Header.Get("Accept"))
		}
		_, _ = w.Write([]byte("plain 3\n"))
	}))
	defer good.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
	defer bad.Close()
	s := &Scraper{Targets: []Target{{Job: "w", Instance: "a", URL: good.URL}, {Job: "w", Instance: "b", URL: bad.URL}}}
	rec := &recorder{}
	at := time.Date(2026, 1, 1, 0, 2, 0, 0, time.UTC)
	err := s.Scrape(context.Background(), rec, at)
	if err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("err = %v, want the failed target named", err)
	}
	got, commits := rec.snapshot()
	want := []string{`plain{instance="a", job="w"} 3 @00:02:00`, `up{instance="a", job="w"} 1 @00:02:00`, `up{instance="b", job="w"} 0 @00:02:00`}
	if !slices.Equal(got, want) || commits != 1 {
		t.Errorf("appended %v with %d commits, want %v and one commit", got, commits, want)
	}
}

// TestLoopScrapesOnSchedule: with a wall clock already past every due
// time, the loop scrapes the schedule's times in order, and WaitThrough
// returns once the one due by t is in.
func TestLoopScrapesOnSchedule(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("plain 1\n")) }))
	defer srv.Close()
	rec := &recorder{}
	first := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	past := time.Now().Add(-time.Hour)
	l := &Loop{Scraper: &Scraper{Targets: []Target{{Job: "w", Instance: "a", URL: srv.URL}}}, App: rec,
		First: first, Every: 15 * time.Second,
		Wall: func(v time.Time) time.Time {
			if v.After(first.Add(30 * time.Second)) {
				return time.Now().Add(time.Hour) // later scrapes are not due yet
			}
			return past
		}}
	if err := l.Start(); err != nil {
		t.Fatal(err)
	}
	if err := l.WaitThrough(context.Background(), first.Add(44*time.Second)); err != nil {
		t.Fatal(err)
	}
	l.Stop()
	got, _ := rec.snapshot()
	want := []string{`plain{instance="a", job="w"} 1 @00:00:00`, `up{instance="a", job="w"} 1 @00:00:00`,
		`plain{instance="a", job="w"} 1 @00:00:15`, `up{instance="a", job="w"} 1 @00:00:15`,
		`plain{instance="a", job="w"} 1 @00:00:30`, `up{instance="a", job="w"} 1 @00:00:30`}
	if !slices.Equal(got, want) {
		t.Errorf("scraped\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := l.WaitThrough(context.Background(), first.Add(time.Minute)); err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Errorf("waiting on a stopped loop: %v, want an error", err)
	}
	if err := l.WaitThrough(context.Background(), first.Add(-time.Second)); err != nil {
		t.Errorf("a time before the first scrape needs no wait: %v", err)
	}
}

func TestLoopWaitHonoursContext(t *testing.T) {
	l := &Loop{Scraper: &Scraper{}, App: &recorder{}, First: time.Unix(0, 0), Every: time.Second,
		Wall: func(time.Time) time.Time { return time.Now().Add(time.Hour) }}
	if err := l.Start(); err != nil {
		t.Fatal(err)
	}
	defer l.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.WaitThrough(ctx, time.Unix(10, 0)); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if err := (&Loop{}).Start(); err == nil {
		t.Error("a loop with nothing set started")
	}
}
