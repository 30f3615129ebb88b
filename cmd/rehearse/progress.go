// This file shows progress on long work (a sweep, a chaos run, real
// traffic, an envtest start): a bar or spinner on a terminal, one plain line
// every few seconds when stderr is not one (CI logs), nothing with --quiet.
// Progress only ever goes to stderr, so it never changes a report's bytes.

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// progressEveryEnv sets the pause between plain progress lines (a Go
// duration); tests shorten it so that they need no sleeps.
const progressEveryEnv = "REHEARSE_PROGRESS_EVERY"

// defaultProgressEvery is the pause between plain lines in a CI log: often
// enough to show the job lives, rare enough not to flood the log.
const defaultProgressEvery = 5 * time.Second

// progress says where and how to show progress.
type progress struct {
	out   io.Writer // stderr; nil shows nothing
	tty   bool      // a terminal: a bar redrawn in place
	every time.Duration
	// redraw is the least time between two drawings of a bar: a sweep
	// finishes rehearsals far faster than a terminal needs redrawing.
	redraw time.Duration
}

type progressKey struct{}

// withProgress is ctx carrying how the command shows progress.
func withProgress(ctx context.Context, p progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// progressOf is how ctx's command shows progress: nowhere when none was set
// (a command called in-process by a test).
func progressOf(ctx context.Context) progress {
	p, _ := ctx.Value(progressKey{}).(progress)
	return p
}

// progressFor reads --quiet, the environment and whether stderr is a
// terminal.
func progressFor(c *cobra.Command, stderr io.Writer) (progress, error) {
	if quiet, _ := c.Flags().GetBool("quiet"); quiet {
		return progress{}, nil
	}
	p := progress{out: stderr, tty: isTerminal(stderr) && os.Getenv("CI") == "", every: defaultProgressEvery, redraw: 100 * time.Millisecond}
	if v := os.Getenv(progressEveryEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return p, fmt.Errorf("%s=%q: use a positive Go duration such as 5s", progressEveryEnv, v)
		}
		p.every = d
	}
	return p, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// task is one piece of long work being shown. Its methods may be called
// from many goroutines; a nil task shows nothing.
type task struct {
	label, unit string
	total       int // 0: unknown
	began       time.Time
	mu          sync.Mutex
	done        int
	status      string
	bar         *progressbar.ProgressBar
	tty         io.Writer // the terminal the bar is drawn on
	counted     bool      // the bar counts to a known total
	redraw      time.Duration
	plain       io.Writer
	lines       int // plain lines written
	stop        chan struct{}
	stopped     sync.WaitGroup
}

// start shows a task of total units (0 when unknown) until finish.
func (p progress) start(label, unit string, total int) *task {
	if p.out == nil {
		return nil
	}
	t := &task{label: label, unit: unit, total: total, began: time.Now(), stop: make(chan struct{})}
	if p.tty {
		t.tty, t.counted, t.redraw = p.out, total > 0, p.redraw
		t.bar = newBar(p.out, label, unit, total, p.redraw)
		return t
	}
	t.plain = p.out
	t.stopped.Go(func() { t.tick(p.every) })
	return t
}

// newBar is the terminal's bar: count, rate and time left for a known
// total, a spinner with the elapsed time otherwise.
func newBar(w io.Writer, label, unit string, total int, redraw time.Duration) *progressbar.ProgressBar {
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("rehearse: " + label),
		progressbar.OptionThrottle(redraw), progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30), progressbar.OptionSetRenderBlankState(true),
	}
	if total <= 0 {
		return progressbar.NewOptions(-1, append(opts, progressbar.OptionSpinnerType(14), progressbar.OptionSetElapsedTime(true))...)
	}
	return progressbar.NewOptions(total, append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit), progressbar.OptionSetPredictTime(true))...)
}

// tick writes a plain line every interval until finish.
func (t *task) tick(every time.Duration) {
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		select {
		case <-t.stop:
			return
		case now := <-tk.C:
			t.mu.Lock()
			line := progressLine(t.label, t.unit, t.done, t.total, now.Sub(t.began), t.status)
			t.lines++
			t.mu.Unlock()
			fmt.Fprintln(t.plain, line)
		}
	}
}

// set records that done units are finished.
func (t *task) set(done, total int) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done, t.total = done, total
	if t.bar == nil {
		return
	}
	if !t.counted && total > 0 { // the spinner that waited for the total becomes a bar
		_ = t.bar.Exit()
		_ = t.bar.Clear()
		t.bar, t.counted = newBar(t.tty, t.label, t.unit, total, t.redraw), true
	}
	if int64(total) != t.bar.GetMax64() {
		t.bar.ChangeMax(total)
	}
	_ = t.bar.Set(done)
}

// Write takes a status line (a real-traffic tick) and shows the last one.
func (t *task) Write(p []byte) (int, error) {
	lines := strings.Split(strings.TrimSpace(string(p)), "\n")
	status := lines[len(lines)-1]
	t.mu.Lock()
	t.status = status
	if t.bar != nil {
		t.bar.Describe("rehearse: " + t.label + ": " + status)
	}
	t.mu.Unlock()
	return len(p), nil
}

// finish stops showing the task and, in a log that showed it, says how
// long it took (work done before the first line stays silent).
func (t *task) finish() {
	if t == nil {
		return
	}
	if t.tty != nil {
		t.mu.Lock()
		defer t.mu.Unlock()
		_ = t.bar.Finish()
		_ = t.bar.Exit()
		return
	}
	close(t.stop)
	t.stopped.Wait()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lines > 0 {
		fmt.Fprintf(t.plain, "rehearse: %s: done in %s\n", t.label, roundDuration(time.Since(t.began)))
	}
}

// progressLine is one plain progress line: what is done of how much, the
// rate and the time left when the total is known, the latest status.
func progressLine(label, unit string, done, total int, elapsed time.Duration, status string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rehearse: %s: ", label)
	if total > 0 {
		fmt.Fprintf(&b, "%d/%d %s", done, total, unit)
		if rate := float64(done) / elapsed.Seconds(); done > 0 && elapsed > 0 {
			left := time.Duration(float64(total-done) / rate * float64(time.Second))
			fmt.Fprintf(&b, ", %.1f/s, about %s left", rate, roundDuration(left))
		}
		b.WriteString(", ")
	}
	fmt.Fprintf(&b, "%s so far", roundDuration(elapsed))
	if status != "" {
		fmt.Fprintf(&b, "; %s", status)
	}
	return b.String()
}

// roundDuration writes a wall time as a person reads it: 1m30s, 2.4s.
func roundDuration(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
