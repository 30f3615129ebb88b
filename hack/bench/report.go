// The side-by-side table, and running a rehearse command as a user does.

package main

import (
	"fmt"
	"io"
	"os/exec"
	"syscall"
	"text/tabwriter"
	"time"
)

// row is one figure: a duration (value, shown in unit), a ratio or a peak
// memory, with its goal when the issue sets one.
type row struct {
	what           string
	value          time.Duration
	unit           string // µs, ms or s
	vsFlagger      bool   // show the ratio to Flagger's tick
	goal           time.Duration
	ratio          float64
	goalRatio      float64
	higherIsBetter bool
	mib            float64
	// count is a plain figure (allocations, kilobytes) in countUnit: the
	// work done, which unlike CPU time does not move with the machine's load.
	count     float64
	countUnit string
}

type table struct {
	rows []row
	// explain, if set, prints where the time of the figures went.
	explain func(io.Writer)
}

func (t *table) add(r row) { t.rows = append(t.rows, r) }

func (t *table) print(out io.Writer) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "what\tmeasured\tvs Flagger's 0.67 ms tick\tgoal\tverdict")
	for _, r := range t.rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.what, r.measured(), r.flagger(), r.goalText(), r.verdict())
	}
	_ = w.Flush()
}

func (r row) measured() string {
	switch {
	case r.mib > 0:
		return fmt.Sprintf("%.0f MiB", r.mib)
	case r.count > 0:
		return fmt.Sprintf("%.0f %s", r.count, r.countUnit)
	case r.ratio > 0:
		return fmt.Sprintf("%.2f", r.ratio)
	case r.value > 0:
		return inUnit(r.value, r.unit)
	}
	return ""
}

func inUnit(d time.Duration, unit string) string {
	switch unit {
	case "µs":
		return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
	case "ms":
		return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// flagger says how many times faster (or slower) than Flagger's tick.
func (r row) flagger() string {
	if !r.vsFlagger || r.value <= 0 {
		return ""
	}
	x := float64(flaggerTick) / float64(r.value)
	if x >= 1 {
		return fmt.Sprintf("%.1f× faster", x)
	}
	return fmt.Sprintf("%.1f× slower", 1/x)
}

func (r row) goalText() string {
	switch {
	case r.goal > 0:
		return "≤ " + inUnit(r.goal, r.unit)
	case r.goalRatio > 0 && r.higherIsBetter:
		return fmt.Sprintf("≥ %.2f", r.goalRatio*0.9)
	case r.goalRatio > 0:
		return fmt.Sprintf("≤ %.2f", r.goalRatio)
	}
	return ""
}

// verdict says met, or by how much the figure misses its goal.
func (r row) verdict() string {
	switch {
	case r.goal > 0 && r.value <= r.goal:
		return "met"
	case r.goal > 0:
		return fmt.Sprintf("missed: %.1f× the goal", float64(r.value)/float64(r.goal))
	case r.goalRatio > 0 && r.higherIsBetter && r.ratio >= r.goalRatio*0.9:
		return "met"
	case r.goalRatio > 0 && r.higherIsBetter:
		return fmt.Sprintf("missed: %.0f%% of the cores busy", 100*r.ratio/r.goalRatio)
	case r.goalRatio > 0 && r.ratio <= r.goalRatio:
		return "met"
	case r.goalRatio > 0:
		return fmt.Sprintf("missed: %.1f× the goal", r.ratio/r.goalRatio)
	}
	return ""
}

// command runs the rehearse binary and reads its wall time, CPU and peak
// resident memory. Exit status 1 (an expectation failed) still measures.
func command(bin string, args ...string) (cost, error) {
	cmd := exec.Command(bin, args...)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		return cost{}, fmt.Errorf("%s %v: %w", bin, args, err)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	c := cost{wall: wall}
	if ru != nil {
		c.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		c.peakMiB = float64(ru.Maxrss) / 1024 // Linux reports KiB
	}
	return c, nil
}

// bestOf runs a command n times and keeps the fastest.
func bestOf(n int, bin string, args ...string) (cost, error) {
	var best cost
	for i := range n {
		c, err := command(bin, args...)
		if err != nil {
			return cost{}, err
		}
		if i == 0 || c.wall < best.wall {
			best = c
		}
	}
	return best, nil
}
