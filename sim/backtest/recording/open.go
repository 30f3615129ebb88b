// This file opens the recording a spec names (file, TSDB folder or live
// URL) once per process, since a sweep replays one recording many times,
// and loads mapped samples into a Prometheus.

package recording

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/rehearse-dev/rehearse/sim/virtual/traffic"
)

// Spec says where a recording is and which part of it to read.
type Spec struct {
	// Source is a TSDB folder, an OpenMetrics or text-exposition file, or
	// the http(s) URL of a Prometheus server.
	Source string
	// From and To bound the window; zero means the recording's first
	// (last) sample. A live Prometheus needs both.
	From, To time.Time
	// Step is a live Prometheus's query_range step; 0 asks the server.
	Step time.Duration
}

// IsLive says whether the source is a Prometheus server's URL.
func (s Spec) IsLive() bool {
	u, err := url.Parse(s.Source)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// opened keeps each recording read by this process: a sweep replays one
// recording under every combination of settings, and reading it again
// each time would cost more than the replay.
var opened = struct {
	sync.Mutex
	m map[string]*entry
}{m: map[string]*entry{}}

type entry struct {
	once sync.Once
	r    *Recording
	err  error
}

// Open reads the recording a spec names, once per process. For a live
// Prometheus, want are the series selectors to fetch (WantedBy gives
// them); files and TSDB folders are read whole.
func Open(ctx context.Context, s Spec, want []string) (*Recording, error) {
	key := fmt.Sprintf("%s\x00%d\x00%d\x00%d", s.Source, s.From.UnixMilli(), s.To.UnixMilli(), s.Step)
	if s.IsLive() {
		key += "\x00" + strings.Join(want, "\x00")
	}
	opened.Lock()
	e, ok := opened.m[key]
	if !ok {
		e = &entry{}
		opened.m[key] = e
	}
	opened.Unlock()
	e.once.Do(func() { e.r, e.err = read(ctx, s, want) })
	return e.r, e.err
}

func read(ctx context.Context, s Spec, want []string) (*Recording, error) {
	if s.IsLive() {
		if s.From.IsZero() || s.To.IsZero() {
			return nil, fmt.Errorf("a live Prometheus (%s) is read over a window: give both --from and --to", s.Source)
		}
		return Live{URL: s.Source, Step: s.Step}.Fetch(ctx, want, s.From, s.To)
	}
	st, err := os.Stat(s.Source)
	switch {
	case err != nil:
		return nil, fmt.Errorf("the recording %s cannot be read: %w (give a TSDB folder, an OpenMetrics file or a Prometheus URL)", s.Source, err)
	case st.IsDir():
		return ReadTSDB(ctx, s.Source)
	}
	return ReadFile(s.Source)
}

// WantedBy are the selectors a live Prometheus is asked for: each metric
// the queries read, under the canary's and the primary's matchers, and
// each query selector as written (for series the mapping leaves alone).
func WantedBy(qs []Query, m Mapping) []string {
	var out []string
	add := func(s string) {
		for _, have := range out {
			if have == s {
				return
			}
		}
		out = append(out, s)
	}
	for _, q := range qs {
		for _, vs := range q.Selectors {
			name := traffic.SelectorName(vs)
			for _, role := range [][]*labels.Matcher{m.Canary, m.Primary} {
				if name != "" && len(role) > 0 {
					add(selectorText(name, role))
				}
			}
			add(vs.String())
		}
	}
	return out
}

func selectorText(name string, ms []*labels.Matcher) string {
	parts := []string{labels.MustNewMatcher(labels.MatchEqual, labels.MetricName, name).String()}
	for _, m := range ms {
		parts = append(parts, m.String())
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Appender takes one sample (the synthetic Prometheus does).
type Appender interface {
	Append(l labels.Labels, tMillis int64, v float64) error
}

// AppendTo writes every sample, its time moved by shift.
func (m *Mapped) AppendTo(app Appender, shift time.Duration) error {
	d := shift.Milliseconds()
	for _, s := range m.Series {
		for _, x := range s.Samples {
			if err := app.Append(s.Labels, x.T+d, x.V); err != nil {
				return fmt.Errorf("loading the recording: %w", err)
			}
		}
	}
	return nil
}
