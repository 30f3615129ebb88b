// This file schedules scrapes in virtual time, each when the wall clock
// reaches it, and lets a query wait until the scrape due by its time is
// committed.

package scrape

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rehearse-dev/rehearse/internal/ctxsleep"
)

// maxFailures bounds the scrape failures a loop keeps for its report.
const maxFailures = 20

// Loop scrapes on a schedule of virtual times, First, First+Every, ...,
// each when the wall clock reaches it, in the background.
type Loop struct {
	Scraper *Scraper
	App     Appender
	First   time.Time     // virtual time of the first scrape
	Every   time.Duration // virtual time between scrapes
	// Wall is the wall-clock moment of a virtual time.
	Wall func(virtual time.Time) time.Time

	mu       sync.Mutex
	done     time.Time     // the latest virtual time scraped
	changed  chan struct{} // closed and replaced after every scrape
	stopped  bool
	failures []string
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// Start begins scraping; Stop ends it.
func (l *Loop) Start() error {
	if l.Every <= 0 || l.Wall == nil || l.Scraper == nil || l.App == nil {
		return errors.New("scrape loop: Scraper, App, Every and Wall must be set")
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.mu.Lock()
	l.changed, l.cancel = make(chan struct{}), cancel
	l.done = l.First.Add(-l.Every)
	l.mu.Unlock()
	l.wg.Go(func() { l.run(ctx) })
	return nil
}

func (l *Loop) run(ctx context.Context) {
	defer l.finish()
	for at := l.First; ; at = at.Add(l.Every) {
		if ctxsleep.Sleep(ctx, time.Until(l.Wall(at))) != nil {
			return
		}
		err := l.Scraper.Scrape(ctx, l.App, at)
		if ctx.Err() != nil {
			return
		}
		l.completed(at, err)
	}
}

func (l *Loop) completed(at time.Time, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil && len(l.failures) < maxFailures {
		l.failures = append(l.failures, fmt.Sprintf("scrape at %s: %v", at.UTC().Format(time.TimeOnly), err))
	}
	l.done = at
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *Loop) finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	close(l.changed)
	l.changed = make(chan struct{})
}

// WaitThrough returns once the last scrape scheduled at or before t is
// committed, so a query at t sees it.
func (l *Loop) WaitThrough(ctx context.Context, t time.Time) error {
	if t.Before(l.First) {
		return nil
	}
	due := l.First.Add(t.Sub(l.First) / l.Every * l.Every)
	for {
		l.mu.Lock()
		done, stopped, changed := !l.done.Before(due), l.stopped, l.changed
		l.mu.Unlock()
		switch {
		case done:
			return nil
		case stopped:
			return fmt.Errorf("the scrape loop stopped before the scrape at %s", due.UTC().Format(time.TimeOnly))
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Failures are the scrapes that failed (at most maxFailures).
func (l *Loop) Failures() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.failures...)
}

// Stop ends the loop and waits for it; a scrape in flight is abandoned.
func (l *Loop) Stop() {
	l.mu.Lock()
	cancel := l.cancel
	l.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	l.wg.Wait()
}
