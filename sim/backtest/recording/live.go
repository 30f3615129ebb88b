// This file reads a recording from a live Prometheus over query_range, a
// step per scrape, and tells a server that cannot be reached (exit 3) from
// a query it refuses (bad input).

package recording

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/rehearse-dev/rehearse/internal/exit"
	"sigs.k8s.io/yaml"
)

// ErrUnreachable marks a live Prometheus that could not be asked: an
// environment problem, not a bad recording.
var ErrUnreachable = exit.Environment(errors.New("the Prometheus server cannot be reached"))

// maxPoints is how many steps one query_range asks for: Prometheus
// refuses more than 11,000 points per series.
const maxPoints = 10_000

// liveTimeout bounds each request to a live Prometheus.
const liveTimeout = 2 * time.Minute

// Live is a Prometheus server to read a window from, over its HTTP API.
type Live struct {
	URL string
	// Client carries the requests; nil uses a default client.
	Client *http.Client
	// Step is the query_range resolution; 0 asks the server for its
	// shortest scrape interval.
	Step time.Duration
}

// Fetch asks the server for each selector's series over [from, to] with
// query_range, one step per scrape, as the server stored them: each value
// is the newest sample at or before its step, so a step of the scrape
// interval keeps every scrape.
func (l Live) Fetch(ctx context.Context, selectors []string, from, to time.Time) (*Recording, error) {
	a, err := l.api()
	if err != nil {
		return nil, err
	}
	step := l.Step
	if step <= 0 {
		if step, err = scrapeInterval(ctx, a); err != nil {
			return nil, err
		}
	}
	b := newBuilder()
	for _, sel := range selectors {
		if err := fetchOne(ctx, a, sel, from, to, step, b); err != nil {
			return nil, err
		}
	}
	r := &Recording{Source: l.URL, Format: "Prometheus API", Step: step}
	if r.Series, err = b.series(); err != nil {
		return nil, err
	}
	return r, nil
}

func (l Live) api() (v1.API, error) {
	cfg := api.Config{Address: l.URL}
	if l.Client != nil {
		cfg.Client = l.Client
	}
	c, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("the Prometheus address %q: %w", l.URL, err)
	}
	return v1.NewAPI(c), nil
}

// scrapeInterval is the shortest scrape interval in the server's
// configuration (Prometheus's default, 1m, when none is set).
func scrapeInterval(ctx context.Context, a v1.API) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, liveTimeout)
	defer cancel()
	cfg, err := a.Config(ctx)
	var apiErr *v1.Error
	switch {
	case errors.As(err, &apiErr):
		return 0, fmt.Errorf("the server does not give its configuration, from which the scrape interval is read (%w): give the step (--step, or spec.recording.step)", err)
	case err != nil:
		return 0, classify(fmt.Errorf("asking for its configuration: %w", err))
	}
	var c struct {
		Global struct {
			ScrapeInterval string `json:"scrape_interval"`
		} `json:"global"`
		ScrapeConfigs []struct {
			ScrapeInterval string `json:"scrape_interval"`
		} `json:"scrape_configs"`
	}
	if err := yaml.Unmarshal([]byte(cfg.YAML), &c); err != nil {
		return 0, fmt.Errorf("the server's configuration does not parse (give the step instead): %w", err)
	}
	step := shortest(c.Global.ScrapeInterval, time.Minute)
	for _, sc := range c.ScrapeConfigs {
		step = min(step, shortest(sc.ScrapeInterval, step))
	}
	return step, nil
}

func shortest(text string, def time.Duration) time.Duration {
	d, err := model.ParseDuration(text)
	if err != nil || d <= 0 {
		return def
	}
	return time.Duration(d)
}

// fetchOne runs one selector in pieces of at most maxPoints steps.
func fetchOne(ctx context.Context, a v1.API, sel string, from, to time.Time, step time.Duration, b *builder) error {
	for start := from; !start.After(to); start = start.Add(maxPoints * step) {
		end := start.Add((maxPoints - 1) * step)
		if end.After(to) {
			end = to
		}
		qctx, cancel := context.WithTimeout(ctx, liveTimeout)
		v, _, err := a.QueryRange(qctx, sel, v1.Range{Start: start, End: end, Step: step})
		cancel()
		if err != nil {
			return classify(fmt.Errorf("query_range %s from %s to %s: %w", sel, start.Format(time.RFC3339), end.Format(time.RFC3339), err))
		}
		m, ok := v.(model.Matrix)
		if !ok {
			return fmt.Errorf("query_range %s answered a %s, not a matrix", sel, v.Type())
		}
		addMatrix(m, b)
	}
	return nil
}

func addMatrix(m model.Matrix, b *builder) {
	for _, s := range m {
		lb := labels.NewScratchBuilder(len(s.Metric))
		for k, v := range s.Metric {
			lb.Add(string(k), string(v))
		}
		lb.Sort()
		l := lb.Labels()
		for _, p := range s.Values {
			b.add(l, int64(p.Timestamp), float64(p.Value))
		}
	}
}

// classify marks errors that got no Prometheus answer (no connection, a
// 5xx, a 4xx that is not the API's own error) as ErrUnreachable. An API
// error about the query (bad_data, execution) stays as it is: the input
// is wrong.
func classify(err error) error {
	var apiErr *v1.Error
	if errors.As(err, &apiErr) && apiErr.Type != v1.ErrClient && apiErr.Type != v1.ErrServer && apiErr.Type != v1.ErrBadResponse {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnreachable, err)
}
