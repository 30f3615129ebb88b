// This file tests reading recordings: exposition files good and bad, a
// TSDB block that reads as its file did, and a live Prometheus's
// query_range, reachable or not.

package recording

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rehearse-dev/rehearse/sim/virtual/prom"
)

func TestReadFile(t *testing.T) {
	tests := []struct {
		file            string
		format          string
		series, samples int
		first, last     string
		counter         string
		err             string
	}{
		{file: incident, format: "OpenMetrics", series: 14, samples: 14 * 61,
			first: "2026-03-10T14:00:00Z", last: "2026-03-10T14:15:00Z", counter: "istio_requests"},
		{file: "testdata/text-format.prom", format: "text exposition", series: 3, samples: 6,
			first: "2026-03-10T14:00:00Z", last: "2026-03-10T14:00:15Z", counter: "http_requests_total"},
		{file: "testdata/tiny.om", format: "OpenMetrics", series: 1, samples: 2, first: "2026-03-10T14:00:00Z", last: "2026-03-10T14:00:15Z", counter: "x"},
		{file: "testdata/no-timestamp.prom", err: `line 3: http_requests_total{code="500"} has no timestamp`},
		{file: "testdata/after-eof.om", err: "# EOF"},
		{file: "testdata/conflict.prom", err: "two different values"},
		{file: "testdata/missing.om", err: "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := ReadFile(tt.file)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			first, last, _ := r.Span()
			if r.Format != tt.format || len(r.Series) != tt.series || r.Samples() != tt.samples ||
				first.Format(time.RFC3339) != tt.first || last.Format(time.RFC3339) != tt.last || !r.Counters[tt.counter] {
				t.Errorf("got %s, %d series, %d samples, %s to %s, counters %v", r.Format, len(r.Series), r.Samples(), first, last, r.Counters)
			}
		})
	}
}

// TestSecondsWithoutEOF: OpenMetrics timestamps (seconds) in a file that
// lost its # EOF would be read as milliseconds, in 1970; that is refused.
func TestSecondsWithoutEOF(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/cut.om"
	writeText(t, path, "# TYPE x counter\nx_total 1 1773151200\n")
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "missing its last line, # EOF") {
		t.Fatalf("err = %v", err)
	}
}

// TestTSDBMatchesFile writes the hand-written recording as a TSDB block
// with Prometheus's block writer and reads it back with the read-only DB:
// the same series and samples, and nothing written into the folder.
func TestTSDBMatchesFile(t *testing.T) {
	want := mustRead(t, incident)
	dir := t.TempDir()
	writeBlock(t, dir, want)
	before := listing(t, dir)
	got, err := ReadTSDB(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	sameSeries(t, got.Series, want.Series)
	if after := listing(t, dir); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("reading changed the folder:\nbefore %v\nafter  %v", before, after)
	}
}

func TestReadTSDBRefusesOtherFolders(t *testing.T) {
	_, err := ReadTSDB(context.Background(), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "is not a Prometheus TSDB") {
		t.Fatalf("err = %v", err)
	}
}

// TestLiveFetch serves the recording from the synthetic Prometheus (the
// real PromQL engine behind the real HTTP API) on loopback and fetches it
// back with query_range at the recording's step.
func TestLiveFetch(t *testing.T) {
	want := mustRead(t, incident)
	srv, err := prom.New(prom.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	loadAll(t, srv, want)
	base, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	first, last, _ := want.Span()
	var sels []string
	for _, name := range []string{"istio_requests_total", "istio_request_duration_milliseconds_bucket",
		"istio_request_duration_milliseconds_sum", "istio_request_duration_milliseconds_count"} {
		sels = append(sels, name)
	}
	got, err := Live{URL: base, Step: 15 * time.Second}.Fetch(context.Background(), sels, first, last)
	if err != nil {
		t.Fatal(err)
	}
	sameSeries(t, got.Series, want.Series)
	if got.Step != 15*time.Second || got.Format != "Prometheus API" {
		t.Errorf("step %s, format %s", got.Step, got.Format)
	}
	// The synthetic server has no /api/v1/status/config: the step must
	// then be given, and the message says so.
	_, err = Live{URL: base}.Fetch(context.Background(), sels, first, last)
	if err == nil || errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "give the step") {
		t.Errorf("without a step: %v", err)
	}
}

func TestLiveUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	now := time.Now()
	_, err = Live{URL: "http://" + addr, Step: time.Second}.Fetch(context.Background(), []string{"up"}, now.Add(-time.Minute), now)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
}

func loadAll(t *testing.T, srv *prom.Server, r *Recording) {
	t.Helper()
	m := &Mapped{Series: r.Series, Roles: make([]Role, len(r.Series))}
	if err := m.AppendTo(srv, 0); err != nil {
		t.Fatal(err)
	}
	if err := srv.Commit(); err != nil {
		t.Fatal(err)
	}
}
