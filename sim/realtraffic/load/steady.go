// This file is the scenario's own traffic under --traffic real: an
// open-loop load that sends at a fixed rate whatever the answers, as
// users arrive, unlike hey's closed-loop workers.

package load

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// steadyTick is how often a steady load sends what is due: fine enough
// that requests leave evenly, coarse enough to cost nothing.
const steadyTick = 5 * time.Millisecond

// Steady is the scenario's own traffic: an open-loop load, where requests
// leave at a fixed rate whether or not the earlier ones were answered, as
// users arrive at a service. (hey's workers are closed loops: a slow canary
// would slow them down and hide the load a mesh would see.)
type Steady struct {
	URL  string  // where requests go: the mesh
	Host string  // the Host header: the apex service
	Rate float64 // requests per wall second
	// MaxInFlight bounds requests awaiting an answer; a request due while
	// that many wait is skipped and counted.
	MaxInFlight int
	// Decorate, when set, may change request n before it leaves (the A/B
	// share adds its header to some).
	Decorate func(n int64, r *http.Request)

	client   *http.Client
	cancel   context.CancelFunc
	loop     sync.WaitGroup
	inFlight sync.WaitGroup
	slots    chan struct{}
	totals   steadyCounters
}

// SteadyTotals count what a steady load sent and got back.
type SteadyTotals struct {
	Sent, Answered, ServerErrors, NoAnswer, Skipped int64
}

type steadyCounters struct {
	sent, answered, serverErrors, noAnswer, skipped atomic.Int64
}

// Start begins sending.
func (s *Steady) Start() error {
	if s.Rate <= 0 || s.URL == "" {
		return errors.New("steady load: URL and a positive Rate must be set")
	}
	if s.MaxInFlight <= 0 {
		s.MaxInFlight = 256
	}
	s.slots = make(chan struct{}, s.MaxInFlight)
	s.client = &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: s.MaxInFlight, IdleConnTimeout: 30 * time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.loop.Go(func() { s.run(ctx) })
	return nil
}

func (s *Steady) run(ctx context.Context) {
	tick := time.NewTicker(steadyTick)
	defer tick.Stop()
	start := time.Now()
	var n int64
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			for due := int64(s.Rate * now.Sub(start).Seconds()); n < due; n++ {
				s.send(ctx, n)
			}
		}
	}
}

// send starts request n unless too many are waiting already.
func (s *Steady) send(ctx context.Context, n int64) {
	select {
	case s.slots <- struct{}{}:
	default:
		s.totals.skipped.Add(1)
		return
	}
	s.totals.sent.Add(1)
	s.inFlight.Go(func() {
		defer func() { <-s.slots }()
		s.do(ctx, n)
	})
}

func (s *Steady) do(ctx context.Context, n int64) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		s.totals.noAnswer.Add(1)
		return
	}
	req.Host = s.Host
	if s.Decorate != nil {
		s.Decorate(n, req)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.totals.noAnswer.Add(1)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	s.totals.answered.Add(1)
	if resp.StatusCode >= 500 {
		s.totals.serverErrors.Add(1)
	}
}

// Stop ends the load, abandoning requests in flight, and returns its totals.
func (s *Steady) Stop() SteadyTotals {
	if s.cancel != nil {
		s.cancel()
	}
	s.loop.Wait()
	s.inFlight.Wait()
	if s.client != nil {
		s.client.CloseIdleConnections()
	}
	return s.Totals()
}

// Totals are the counts so far.
func (s *Steady) Totals() SteadyTotals {
	c := &s.totals
	return SteadyTotals{Sent: c.sent.Load(), Answered: c.answered.Load(), ServerErrors: c.serverErrors.Load(),
		NoAnswer: c.noAnswer.Load(), Skipped: c.skipped.Load()}
}
