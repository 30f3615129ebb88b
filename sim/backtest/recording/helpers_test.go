// This file holds the recording tests' helpers: the shipped incident,
// writing a TSDB block with Prometheus's writer, listing a folder, and
// comparing series.

package recording

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/common/promslog"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/tsdb"
)

// incident is the hand-written OpenMetrics recording the fixtures ship.
var incident = filepath.Join("..", "..", "..", "fixtures", "recordings", "checkout-incident.om")

func mustRead(t *testing.T, path string) *Recording {
	t.Helper()
	r, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// writeBlock writes a recording into dir as one TSDB block, with
// Prometheus's own block writer.
func writeBlock(t *testing.T, dir string, r *Recording) {
	t.Helper()
	w, err := tsdb.NewBlockWriter(promslog.NewNopLogger(), dir, 24*3600*1000)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	app := w.Appender(context.Background())
	for _, s := range r.Series {
		for _, x := range s.Samples {
			if _, err := app.Append(0, s.Labels, x.T, x.V); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// listing is every path under dir, to prove a reader wrote nothing there.
func listing(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		out = append(out, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSeries(t *testing.T, got, want []Series) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d series, want %d", len(got), len(want))
	}
	for i := range want {
		if labels.Compare(got[i].Labels, want[i].Labels) != 0 {
			t.Fatalf("series %d is %s, want %s", i, got[i].Labels, want[i].Labels)
		}
		if len(got[i].Samples) != len(want[i].Samples) {
			t.Fatalf("%s: %d samples, want %d", want[i].Labels, len(got[i].Samples), len(want[i].Samples))
		}
		for j := range want[i].Samples {
			if got[i].Samples[j] != want[i].Samples[j] {
				t.Fatalf("%s sample %d = %v, want %v", want[i].Labels, j, got[i].Samples[j], want[i].Samples[j])
			}
		}
	}
}

func matchers(t *testing.T, pairs ...string) []*labels.Matcher {
	t.Helper()
	var out []*labels.Matcher
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, labels.MustNewMatcher(labels.MatchEqual, pairs[i], pairs[i+1]))
	}
	return out
}

func writeText(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
