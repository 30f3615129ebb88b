// This file tests the Canary's queries, mapping a recording onto them and
// what the mapping refuses, the checks on edited recordings (unmapped
// labels, mixed resolutions, resets, gaps) and resolving the window.

package recording

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/engine/api/v1beta1"
	"github.com/rehearse-dev/rehearse/engine/manifest"
)

func podinfoCanary(t *testing.T) (*v1beta1.Canary, *manifest.Set) {
	t.Helper()
	set, err := manifest.LoadFiles(filepath.Join("..", "..", "..", "fixtures", "podinfo", "canary.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cd, err := set.Canary("")
	if err != nil {
		t.Fatal(err)
	}
	return cd, set
}

func podinfoQueries(t *testing.T) ([]Query, *v1beta1.Canary) {
	t.Helper()
	cd, set := podinfoCanary(t)
	qs, err := QueriesOf(cd, "", set.MetricTemplate)
	if err != nil {
		t.Fatal(err)
	}
	return qs, cd
}

func TestQueriesOf(t *testing.T) {
	qs, _ := podinfoQueries(t)
	if len(qs) != 2 || qs[0].Metric != "request-success-rate" || qs[1].Metric != "request-duration" {
		t.Fatalf("queries %+v", qs)
	}
	if *qs[0].Min != 99 || qs[0].Max != nil || *qs[1].Max != 500 || len(qs[0].Selectors) != 2 {
		t.Errorf("bounds or selectors wrong: %+v", qs[0])
	}
	if qs[0].Lookback != 6*time.Minute || qs[1].Lookback != 5*time.Minute+30*time.Second {
		t.Errorf("lookbacks %s, %s", qs[0].Lookback, qs[1].Lookback)
	}
}

func TestMapRenamesRolesOntoTheCanary(t *testing.T) {
	qs, cd := podinfoQueries(t)
	r := mustRead(t, incident)
	m := Mapping{Canary: matchers(t, "destination_workload_namespace", "shop", "destination_workload", "checkout-v2"),
		Primary: matchers(t, "destination_workload_namespace", "shop", "destination_workload", "checkout")}
	got, err := Map(r, m, qs, NamesOf(cd))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, rn := range got.Renames {
		lines = append(lines, rn.Role.String()+" "+rn.Label+" "+rn.From+"→"+rn.To)
	}
	want := "canary destination_workload_namespace shop→test|canary destination_workload checkout-v2→podinfo|" +
		"primary destination_workload_namespace shop→test|primary destination_workload checkout→podinfo-primary"
	if strings.Join(lines, "|") != want {
		t.Errorf("renames\n%s\nwant\n%s", strings.Join(lines, "|"), want)
	}
	roles := map[Role]int{}
	for i, s := range got.Series {
		roles[got.Roles[i]]++
		if w := s.Labels.Get("destination_workload"); (got.Roles[i] == Canary) != (w == "podinfo") {
			t.Errorf("%s has role %s", s.Labels, got.Roles[i])
		}
	}
	if roles[Canary] != 7 || roles[Primary] != 7 || roles[Other] != 0 {
		t.Errorf("roles %v", roles)
	}
	warnings, err := Check(got, qs, Window{From: mustTime("2026-03-10T14:00:00Z"), To: mustTime("2026-03-10T14:15:00Z")}, r.Counters)
	if err != nil || len(warnings) != 0 {
		t.Errorf("check: %v %v", warnings, err)
	}
}

func TestMapRefuses(t *testing.T) {
	qs, cd := podinfoQueries(t)
	r := mustRead(t, incident)
	tests := []struct {
		name string
		m    Mapping
		err  string
	}{
		{"both roles claim a series", Mapping{Canary: matchers(t, "destination_workload_namespace", "shop"),
			Primary: matchers(t, "destination_workload", "checkout")}, "matches both"},
		{"two series become one", Mapping{Canary: matchers(t, "destination_workload_namespace", "shop", "destination_workload", "checkout-v2")},
			"both become"},
	}
	// A series already named as the canary's is mapped onto.
	first := r.Series[0]
	l := labels.NewBuilder(first.Labels).Set("destination_workload_namespace", "test").Set("destination_workload", "podinfo").Labels()
	r.Series = append(r.Series, Series{Labels: l, Samples: first.Samples})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Map(r, tt.m, qs, NamesOf(cd))
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestCheckFindsBadRecordings(t *testing.T) {
	qs, cd := podinfoQueries(t)
	window := Window{From: mustTime("2026-03-10T14:00:00Z"), To: mustTime("2026-03-10T14:15:00Z")}
	full := Mapping{Canary: matchers(t, "destination_workload_namespace", "shop", "destination_workload", "checkout-v2"),
		Primary: matchers(t, "destination_workload_namespace", "shop", "destination_workload", "checkout")}
	tests := []struct {
		name    string
		edit    func(*Recording)
		m       Mapping
		err     string
		warning string
	}{
		{name: "namespace left unmapped", m: Mapping{Canary: matchers(t, "destination_workload", "checkout-v2")},
			err: `destination_workload_namespace="test", and the recording's istio_requests_total series have destination_workload_namespace "shop"`},
		{name: "no such metric", m: full, edit: rename("istio_requests_total", "requests_total"),
			err: "the recording has no istio_requests_total series at all"},
		{name: "mixed resolutions", m: full, edit: thinBuckets("checkout-v2", 4), err: "mixed resolutions"},
		{name: "interval changes half-way", m: full, edit: thinAfter("checkout-v2", 30, 4), err: "mixed resolutions"},
		{name: "counter reset", m: full, edit: reset("checkout-v2", 40), warning: "counter reset"},
		{name: "canary series stop", m: full, edit: cut("checkout-v2", 40), warning: "no samples of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustRead(t, incident)
			if tt.edit != nil {
				tt.edit(r)
			}
			mapped, err := Map(r, tt.m, qs, NamesOf(cd))
			if err != nil {
				t.Fatal(err)
			}
			warnings, err := Check(mapped, qs, window, r.Counters)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || !strings.Contains(strings.Join(warnings, "\n"), tt.warning) {
				t.Fatalf("err %v, warnings %q, want %q", err, warnings, tt.warning)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	r := mustRead(t, incident)
	tests := []struct{ from, to, err string }{
		{"", "", ""},
		{"2026-03-10T14:02:00Z", "2026-03-10T14:12:00Z", ""},
		{"2026-03-10T13:00:00Z", "", "before the recording does"},
		{"", "2026-03-10T16:00:00Z", "after the recording does"},
		{"2026-03-10T14:10:00Z", "2026-03-10T14:05:00Z", "ends"},
	}
	for _, tt := range tests {
		w, err := r.Resolve(optTime(tt.from), optTime(tt.to))
		if tt.err == "" && (err != nil || w.From.IsZero() || w.To.IsZero()) {
			t.Errorf("%s..%s: %v", tt.from, tt.to, err)
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s..%s: err = %v, want %q", tt.from, tt.to, err, tt.err)
		}
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func optTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	return mustTime(s)
}

// edits of a recording, on the series of one workload.
func each(workload string, fn func(*Series)) func(*Recording) {
	return func(r *Recording) {
		for i := range r.Series {
			if r.Series[i].Labels.Get("destination_workload") == workload {
				fn(&r.Series[i])
			}
		}
	}
}

func rename(from, to string) func(*Recording) {
	return func(r *Recording) {
		for i := range r.Series {
			if r.Series[i].Labels.Get(labels.MetricName) == from {
				r.Series[i].Labels = labels.NewBuilder(r.Series[i].Labels).Set(labels.MetricName, to).Labels()
			}
		}
	}
}

// thinBuckets keeps every n-th sample of a workload's histogram buckets.
func thinBuckets(workload string, every int) func(*Recording) {
	thin := thinAfter(workload, 0, every)
	return func(r *Recording) {
		var buckets Recording
		var rest []Series
		for _, s := range r.Series {
			if strings.HasSuffix(s.Labels.Get(labels.MetricName), "_bucket") {
				buckets.Series = append(buckets.Series, s)
			} else {
				rest = append(rest, s)
			}
		}
		thin(&buckets)
		r.Series = append(rest, buckets.Series...)
	}
}

func thinAfter(workload string, from, every int) func(*Recording) {
	return each(workload, func(s *Series) {
		var out []Sample
		for i, x := range s.Samples {
			if i < from || (i-from)%every == 0 {
				out = append(out, x)
			}
		}
		s.Samples = out
	})
}

func reset(workload string, at int) func(*Recording) {
	return each(workload, func(s *Series) {
		base := s.Samples[at].V
		for i := at; i < len(s.Samples); i++ {
			s.Samples[i].V -= base
		}
	})
}

func cut(workload string, at int) func(*Recording) {
	return each(workload, func(s *Series) { s.Samples = s.Samples[:at] })
}
