// This file is the recording source a scenario may replay instead of synthetic series: the
// selector and time parsers and the conversion of the recording block and its modes.

package scenarios

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Images a recording scenario releases when it names none: a recording
// has no images, only series.
const (
	RecordedFrom = "recording/before"
	RecordedTo   = "recording/after"
)

// Recording is metrics recorded during a real release, answering the
// Canary's queries instead of the traffic model (rehearse backtest).
// Times in a recording scenario count from From: the release happens at
// From plus release.at.
type Recording struct {
	// Source is a TSDB folder or an OpenMetrics/text file (resolved
	// against the scenario's folder), or a Prometheus server's URL.
	Source string
	// Canary and Primary select the recorded series that were the
	// canary's and the primary's; Primary may be empty.
	Canary, Primary         []*labels.Matcher
	CanaryText, PrimaryText string // as written
	// From and To bound the window; zero means the recording's first
	// (last) sample.
	From, To time.Time
	// Step is a live Prometheus's query_range step; 0 asks the server.
	Step time.Duration
}

type rawRecording struct {
	Source  string          `json:"source"`
	Canary  string          `json:"canary"`
	Primary string          `json:"primary"`
	From    string          `json:"from"`
	To      string          `json:"to"`
	Step    json.RawMessage `json:"step"`
}

// ParseSelector reads which recorded series a role had: comma-separated
// matchers, label=value, label!=value, label=~regex or label!~regex
// (values may be quoted), or a PromQL selector in braces.
func ParseSelector(text string) ([]*labels.Matcher, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return nil, nil
	}
	if !strings.HasPrefix(s, "{") {
		var err error
		if s, err = braced(s); err != nil {
			return nil, err
		}
	}
	ms, err := parser.NewParser(parser.Options{}).ParseMetricSelector(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a selector: write label=value pairs separated by commas (deployment=podinfo-v2,namespace=prod), or {label=\"value\"}: %w", text, err)
	}
	return ms, nil
}

// braced turns "a=b,c=~d" into `{a="b",c=~"d"}`.
func braced(s string) (string, error) {
	var parts []string
	for _, item := range strings.Split(s, ",") {
		name, op, value, ok := cutOperator(strings.TrimSpace(item))
		if !ok {
			return "", fmt.Errorf("%q is not label=value (also label!=value, label=~regex, label!~regex)", item)
		}
		if uq, err := strconv.Unquote(value); err == nil {
			value = uq
		}
		parts = append(parts, name+op+strconv.Quote(value))
	}
	return "{" + strings.Join(parts, ",") + "}", nil
}

func cutOperator(item string) (name, op, value string, ok bool) {
	i := strings.IndexAny(item, "=!")
	if i <= 0 {
		return "", "", "", false
	}
	name, rest := strings.TrimSpace(item[:i]), item[i:]
	for _, o := range []string{"=~", "!~", "!=", "="} {
		if v, found := strings.CutPrefix(rest, o); found {
			return name, o, strings.TrimSpace(v), true
		}
	}
	return "", "", "", false
}

// ParseTime reads a recording time: RFC 3339 (2026-03-10T14:00:00Z).
func ParseTime(text string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(text))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time: write it in RFC 3339, e.g. 2026-03-10T14:00:00Z", text)
	}
	return t.UTC(), nil
}

// recording converts spec.recording; nil when there is none.
func (c *converter) recording(r *rawRecording) *Recording {
	if r == nil {
		return nil
	}
	out := &Recording{Source: r.Source, CanaryText: r.Canary, PrimaryText: r.Primary}
	c.recordingSource(out)
	var err error
	if out.Canary, err = ParseSelector(r.Canary); err != nil {
		c.errorf("spec.recording.canary", "%v", err)
	}
	if out.Primary, err = ParseSelector(r.Primary); err != nil {
		c.errorf("spec.recording.primary", "%v", err)
	}
	out.From = c.recordingTime("spec.recording.from", r.From)
	out.To = c.recordingTime("spec.recording.to", r.To)
	if !out.From.IsZero() && !out.To.IsZero() && !out.To.After(out.From) {
		c.errorf("spec.recording.to", "%s is not after from (%s): the window must have a length", r.To, r.From)
	}
	if out.Step = c.duration("spec.recording.step", r.Step, 0); out.Step != 0 && out.Step < MinSeriesInterval {
		c.errorf("spec.recording.step", "%s is shorter than %s: no scrape comes faster", out.Step, MinSeriesInterval)
	}
	return out
}

func (c *converter) recordingSource(r *Recording) {
	if r.Source == "" {
		c.errorf("spec.recording.source", "missing: give a TSDB folder, an OpenMetrics file or a Prometheus URL")
		return
	}
	if u, err := url.Parse(r.Source); err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https") {
		return
	}
	if !filepath.IsAbs(r.Source) {
		r.Source = filepath.Join(c.dir, r.Source)
	}
}

func (c *converter) recordingTime(path, text string) time.Time {
	if text == "" {
		return time.Time{}
	}
	t, err := ParseTime(text)
	if err != nil {
		c.errorf(path, "%v", err)
	}
	return t
}

// recordingModes refuses what a recording replaces: the traffic model,
// raw series and a script all say what the metrics are, and the
// recording was scraped at its own interval.
func (c *converter) recordingModes(spec *rawSpec) {
	if spec.Recording == nil {
		return
	}
	for _, w := range []struct {
		name string
		set  bool
	}{{"traffic", spec.Traffic != nil}, {"series", len(spec.Series) > 0}, {"script", len(spec.Script) > 0},
		{"prometheus", spec.Prometheus != nil}} {
		if w.set {
			c.errorf("spec."+w.name, "cannot be used with spec.recording: the recording gives the metrics; remove one of them")
		}
	}
}
