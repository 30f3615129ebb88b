// This file is one scrape of every target: fetch /metrics over HTTP, parse
// it, append the samples and an `up` series at the virtual time of the
// scrape, and commit.

package scrape

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/prometheus/model/labels"
)

// acceptHeader asks for the text format, the one Parse reads.
const acceptHeader = "text/plain;version=0.0.4"

// maxBody bounds what one scrape reads: a rehearsal's workload exports a
// few hundred series.
const maxBody = 8 << 20

// Appender takes samples and makes them visible at Commit (sim/virtual/prom's
// Server is one).
type Appender interface {
	Append(l labels.Labels, tMillis int64, v float64) error
	Commit() error
}

// Target is one endpoint to scrape.
type Target struct {
	Job, Instance string // the labels every series of the target gets
	URL           string // the full /metrics URL
}

// Scraper reads its targets' metrics.
type Scraper struct {
	Client  *http.Client
	Targets []Target
}

// Scrape reads every target once and appends its samples, and an `up`
// series (1 read, 0 failed), at the virtual time at; then commits. A target
// that cannot be read is reported in the error; the others are appended.
func (s *Scraper) Scrape(ctx context.Context, app Appender, at time.Time) error {
	var errs []error
	for _, t := range s.Targets {
		samples, err := s.read(ctx, t)
		up := 1.0
		if err != nil {
			errs = append(errs, err)
			up = 0
		}
		samples = append(samples, Sample{Labels: labels.FromStrings(labels.MetricName, "up", "job", t.Job, "instance", t.Instance), Value: up})
		if err := appendAll(app, samples, at); err != nil {
			return err
		}
	}
	if err := app.Commit(); err != nil {
		return fmt.Errorf("committing the scrape at %s: %w", at.Format(time.RFC3339), err)
	}
	return errors.Join(errs...)
}

func appendAll(app Appender, samples []Sample, at time.Time) error {
	ms := at.UnixMilli()
	for _, smp := range samples {
		if err := app.Append(smp.Labels, ms, smp.Value); err != nil {
			return fmt.Errorf("appending %s: %w", smp.Labels, err)
		}
	}
	return nil
}

// read fetches and parses one target.
func (s *Scraper) read(ctx context.Context, t Target) ([]Sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", t.Instance, err)
	}
	req.Header.Set("Accept", acceptHeader)
	resp, err := s.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", t.Instance, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
		return nil, fmt.Errorf("scraping %s: %s answered %s", t.Instance, t.URL, resp.Status)
	}
	samples, err := Parse(io.LimitReader(resp.Body, maxBody),
		labels.Label{Name: "job", Value: t.Job}, labels.Label{Name: "instance", Value: t.Instance})
	if err != nil {
		return nil, fmt.Errorf("scraping %s: %w", t.Instance, err)
	}
	return samples, nil
}

func (s *Scraper) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return http.DefaultClient
}
