// This file checks the sweep reports against golden files, holds the page to
// loading nothing, and feeds every writer results with holes.

package sweepreport

import (
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rehearse-dev/rehearse/reports/internal/golden"
)

func TestGoldenSweepReports(t *testing.T) {
	res := sweepFixture()
	tests := []struct {
		file  string
		write func(io.Writer, Result) error
	}{
		{"sweep-table.txt", Options{}.WriteTable},
		{"sweep.csv", Options{}.WriteCSV},
		{"sweep.json", Options{}.WriteJSON},
		{"sweep.html", Options{}.WriteHTML},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			golden.Check(t, tt.file, golden.Render(t, func(w io.Writer) error { return tt.write(w, res) }))
		})
	}
}

// htmlTag matches a start tag; text that looks like one is escaped (&lt;),
// so only real tags match. loadingTag matches a tag that fetches or runs
// something.
var (
	htmlTag    = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	loadingTag = regexp.MustCompile(`^<(script|link|img|iframe|object|embed)\b|\s(src|href|on[a-z]+)=|url\(`)
)

// TestSweepPageIsSelfContained holds the page to loading nothing: no
// script, stylesheet, font, image or link to fetch.
func TestSweepPageIsSelfContained(t *testing.T) {
	res := sweepFixture()
	// Setting values and scenario names come from the user's files: they
	// must reach the page as text, never as markup.
	res.Combinations[0].Settings[0].Value = `<script src="https://evil.example/x.js"></script>`
	res.Axes[0].Values = []string{res.Combinations[0].Settings[0].Value, "3", "5"}
	res.Scenarios[0] = `bad"><img src=x>`
	page := string(golden.Render(t, func(w io.Writer) error { return Options{}.WriteHTML(w, res) }))
	for _, tag := range htmlTag.FindAllString(page, -1) {
		if loadingTag.MatchString(tag) {
			t.Errorf("the sweep page has the tag %s: it must load and run nothing", tag)
		}
	}
	style := page[strings.Index(page, "<style>"):strings.Index(page, "</style>")]
	for _, banned := range []string{"url(", "@import", "@font-face"} {
		if strings.Contains(style, banned) {
			t.Errorf("the page's style has %q: it must load nothing", banned)
		}
	}
}

// TestSweepWritersOnSparseResults feeds every writer results with holes:
// no runs, only bad releases, only failed runs, no axes.
func TestSweepWritersOnSparseResults(t *testing.T) {
	onlyBad := sweepFixture()
	onlyBad.Samples = slices.DeleteFunc(slices.Clone(onlyBad.Samples), func(s Sample) bool { return !s.Bad })
	allFailed := sweepFixture()
	allFailed.Samples = slices.Clone(allFailed.Samples)
	for i := range allFailed.Samples {
		allFailed.Samples[i].Error = "cluster lost"
	}
	tests := []struct {
		name      string
		res       Result
		wantFirst string
	}{
		{"nothing at all", Result{}, "no-bad-runs"},
		{"one combination, no axes", Result{Scenarios: []string{"bad"}, Seeds: 1, Combinations: []Combination{{}},
			Samples: []Sample{{Scenario: "bad", Bad: true, Seed: 1, RolledBack: true, DecidedAt: new(60.0)}}}, "no-good-runs"},
		{"only bad releases", onlyBad, "no-good-runs"},
		{"every run failed", allFailed, "no-bad-runs"},
	}
	writers := []func(io.Writer, Result) error{Options{}.WriteTable, Options{}.WriteCSV, Options{}.WriteJSON, Options{}.WriteHTML}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, write := range writers {
				golden.Render(t, func(w io.Writer) error { return write(w, tt.res) })
			}
			sum, err := Summarize(tt.res, Options{})
			if err != nil || sum.Findings[0].Kind != tt.wantFirst {
				t.Errorf("first finding = %+v (%v), want kind %s", sum.Findings, err, tt.wantFirst)
			}
		})
	}
}
